-- Attendance and lapse rules. A program sets when a member counts as
-- drifting away: missed_in_a_row meetings missed one after another (0: not
-- this rule), or more than one in missed_share_of of the meetings held so
-- far (0: not this rule). A program without a row has the defaults (two in a
-- row, more than a third).
CREATE TABLE lapse_rules (
	program_id      TEXT PRIMARY KEY REFERENCES programs (id) ON DELETE CASCADE,
	missed_in_a_row INTEGER NOT NULL,
	missed_share_of INTEGER NOT NULL,
	updated_at      BIGINT NOT NULL
);

-- An absence the facilitator excused does not count towards a lapse.
ALTER TABLE attendance ADD COLUMN excused INTEGER NOT NULL DEFAULT 0;

-- lapse_alerts are the crossings of a rule: one row per member and the held
-- meeting at which she crossed it, so each crossing is told once. cleared_at
-- is set when a correction undid the crossing or she came back; done_at when
-- the facilitator has talked with her.
CREATE TABLE lapse_alerts (
	circle_id  TEXT NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
	user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	meeting_id TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
	rule       TEXT NOT NULL,
	missed     INTEGER NOT NULL,
	held       INTEGER NOT NULL,
	created_at BIGINT NOT NULL,
	cleared_at BIGINT,
	done_at    BIGINT,
	PRIMARY KEY (circle_id, user_id, meeting_id)
);

-- circle_departures are members who stepped away from a circle themselves;
-- their application is no late joiner waiting for a seat.
CREATE TABLE circle_departures (
	circle_id    TEXT NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
	user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	applicant_id TEXT REFERENCES applicants (id) ON DELETE SET NULL,
	left_at      BIGINT NOT NULL,
	PRIMARY KEY (circle_id, user_id)
);
