-- Group decisions (not time polls): a proposal with a closing time. title,
-- details, option labels, reasons and outcome are sealed with the circle's
-- key. change_format / change_cadence name what the facilitator can apply
-- once it closed: a format key, a cadence.
CREATE TABLE decisions (
	id             TEXT PRIMARY KEY,
	circle_id      TEXT NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
	proposer_id    TEXT NOT NULL REFERENCES users (id),
	title          TEXT NOT NULL DEFAULT '',
	details        TEXT NOT NULL DEFAULT '',
	kind           TEXT NOT NULL,
	results_open   INTEGER NOT NULL DEFAULT 0,
	change_format  TEXT NOT NULL DEFAULT '',
	change_cadence TEXT NOT NULL DEFAULT '',
	closes_at      BIGINT NOT NULL,
	closed_at      BIGINT,
	outcome        TEXT NOT NULL DEFAULT '',
	outcome_by     TEXT REFERENCES users (id),
	outcome_at     BIGINT,
	applied_at     BIGINT,
	created_at     BIGINT NOT NULL
);
CREATE INDEX decisions_circle ON decisions (circle_id, closes_at);

CREATE TABLE decision_options (
	id          TEXT PRIMARY KEY,
	decision_id TEXT NOT NULL REFERENCES decisions (id) ON DELETE CASCADE,
	position    INTEGER NOT NULL,
	label       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX decision_options_decision ON decision_options (decision_id, position);

-- A member's vote: a stance (consent), an option (choice), or a score per
-- option in decision_scores (score). A vote may change until the close.
CREATE TABLE decision_votes (
	decision_id TEXT NOT NULL REFERENCES decisions (id) ON DELETE CASCADE,
	user_id     TEXT NOT NULL REFERENCES users (id),
	stance      TEXT NOT NULL DEFAULT '',
	option_id   TEXT NOT NULL DEFAULT '',
	reason      TEXT NOT NULL DEFAULT '',
	updated_at  BIGINT NOT NULL,
	PRIMARY KEY (decision_id, user_id)
);

CREATE TABLE decision_scores (
	decision_id TEXT NOT NULL REFERENCES decisions (id) ON DELETE CASCADE,
	user_id     TEXT NOT NULL REFERENCES users (id),
	option_id   TEXT NOT NULL REFERENCES decision_options (id) ON DELETE CASCADE,
	score       INTEGER NOT NULL,
	PRIMARY KEY (decision_id, user_id, option_id)
);

-- A circle's own default format, set by a decision: the circle's meetings
-- made from then on start with it instead of the program's.
ALTER TABLE circles ADD COLUMN default_format TEXT NOT NULL DEFAULT '';
