-- Agendas: a meeting's timed segments, who holds which role, the presenters'
-- challenge cards, agenda templates saved for a program, and the
-- commitments (action items) that come back at the next meeting.

-- meeting_segments are a meeting's agenda in order. speaking_order is
-- "hands" or "round"; board is what the board takes ("" closed,
-- "questions", "suggestions"); guests marks segments a guest may follow.
CREATE TABLE meeting_segments (
	id             TEXT PRIMARY KEY,
	meeting_id     TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
	position       INTEGER NOT NULL,
	title          TEXT NOT NULL,
	kind           TEXT NOT NULL,
	minutes        INTEGER NOT NULL,
	roles          TEXT NOT NULL DEFAULT '',
	guidance       TEXT NOT NULL DEFAULT '',
	board          TEXT NOT NULL DEFAULT '',
	speaking_order TEXT NOT NULL DEFAULT 'hands',
	guests         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX meeting_segments_meeting ON meeting_segments (meeting_id, position);

-- agenda_templates are facilitators' own agendas, kept for the program as
-- JSON (a list of segments), so any facilitator of its circles can reuse them.
CREATE TABLE agenda_templates (
	id         TEXT PRIMARY KEY,
	program_id TEXT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
	name       TEXT NOT NULL,
	segments   TEXT NOT NULL,
	created_by TEXT REFERENCES users (id) ON DELETE SET NULL,
	created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX agenda_templates_name ON agenda_templates (program_id, lower(name));

-- meeting_roles say who holds which role in a meeting; several people may
-- present, in the order of position.
CREATE TABLE meeting_roles (
	meeting_id TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
	role       TEXT NOT NULL,
	user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	position   INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (meeting_id, role, user_id)
);
CREATE INDEX meeting_roles_user ON meeting_roles (user_id);

-- challenges are the presenters' cards, one per presenter and meeting.
CREATE TABLE challenges (
	meeting_id   TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
	presenter_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	context      TEXT NOT NULL DEFAULT '',
	question     TEXT NOT NULL DEFAULT '',
	tried        TEXT NOT NULL DEFAULT '',
	updated_at   BIGINT NOT NULL,
	PRIMARY KEY (meeting_id, presenter_id)
);

-- action_items are commitments made in a meeting. due_meeting_id is the
-- meeting where they come back (the circle's next one when made); an item
-- stays open until its owner reports. source_post_id names the board post
-- it came from, without a foreign key: a post may go, the commitment stays.
CREATE TABLE action_items (
	id             TEXT PRIMARY KEY,
	circle_id      TEXT NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
	meeting_id     TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
	owner_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	text           TEXT NOT NULL,
	source_post_id TEXT,
	due_meeting_id TEXT REFERENCES meetings (id) ON DELETE SET NULL,
	due_at         BIGINT NOT NULL,
	status         TEXT NOT NULL DEFAULT 'open',
	report         TEXT NOT NULL DEFAULT '',
	created_at     BIGINT NOT NULL,
	closed_at      BIGINT
);
CREATE INDEX action_items_circle ON action_items (circle_id, status, due_at);
CREATE INDEX action_items_meeting ON action_items (meeting_id);

-- The presenter and the challenge text move from meetings into the tables
-- above. A challenge written without a presenter has nobody to belong to:
-- it is kept at the end of the meeting's agenda text. The old columns stay,
-- empty and unread, to keep the schema the same as SQLite's, which cannot
-- drop a column with a foreign key.
INSERT INTO meeting_roles (meeting_id, role, user_id, position)
	SELECT id, 'presenter', presenter_id, 0 FROM meetings WHERE presenter_id IS NOT NULL;
INSERT INTO challenges (meeting_id, presenter_id, context, question, tried, updated_at)
	SELECT id, presenter_id, challenge, '', '', updated_at FROM meetings
	WHERE presenter_id IS NOT NULL AND challenge <> '';
UPDATE meetings SET agenda = CASE WHEN agenda = '' THEN '' ELSE agenda || chr(10) || chr(10) END || 'Challenge: ' || challenge
	WHERE presenter_id IS NULL AND challenge <> '';
UPDATE meetings SET presenter_id = NULL, challenge = '' WHERE presenter_id IS NOT NULL OR challenge <> '';
