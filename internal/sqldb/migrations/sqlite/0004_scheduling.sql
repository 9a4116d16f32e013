-- Scheduling: each circle's meeting series, meetings that can move or be
-- cancelled (with a sequence calendars follow), finding a new time by poll,
-- calendar feeds, message preferences, and outbox messages keyed so that each
-- is sent once and rendered when it is sent.

-- series is a circle's meeting rhythm: a weekly slot in the circle's time
-- zone and a rule (every N weeks, or the Nth weekday of every N months).
CREATE TABLE series (
	circle_id  TEXT PRIMARY KEY REFERENCES circles (id) ON DELETE CASCADE,
	slot       TEXT NOT NULL,
	freq       TEXT NOT NULL,
	every_n    INTEGER NOT NULL,
	nth        INTEGER NOT NULL,
	minutes    INTEGER NOT NULL,
	video_url  TEXT NOT NULL,
	place      TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);

-- sequence goes up with every change calendars must see (time, place,
-- cancellation); in_series marks meetings the series made, which "change the
-- rest of the series" may rewrite.
ALTER TABLE meetings ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;
ALTER TABLE meetings ADD COLUMN in_series INTEGER NOT NULL DEFAULT 0;
ALTER TABLE meetings ADD COLUMN cancelled_at INTEGER;
ALTER TABLE meetings ADD COLUMN time_note TEXT NOT NULL DEFAULT '';
ALTER TABLE meetings ADD COLUMN readings TEXT NOT NULL DEFAULT '';
ALTER TABLE meetings ADD COLUMN presenter_id TEXT REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE meetings ADD COLUMN challenge TEXT NOT NULL DEFAULT '';
ALTER TABLE meetings ADD COLUMN notes TEXT NOT NULL DEFAULT '';
ALTER TABLE meetings ADD COLUMN notes_sent_at INTEGER;
ALTER TABLE meetings ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;

-- polls find a new time: the facilitator offers 2–5 options, members answer
-- yes / if need be / no, the chosen option moves one meeting or the series.
CREATE TABLE polls (
	id          TEXT PRIMARY KEY,
	circle_id   TEXT NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
	meeting_id  TEXT REFERENCES meetings (id) ON DELETE CASCADE,
	scope       TEXT NOT NULL,
	note        TEXT NOT NULL,
	chosen_id   TEXT,
	created_by  TEXT REFERENCES users (id) ON DELETE SET NULL,
	created_at  INTEGER NOT NULL,
	closed_at   INTEGER
);
CREATE INDEX polls_circle ON polls (circle_id, created_at);

CREATE TABLE poll_options (
	id        TEXT PRIMARY KEY,
	poll_id   TEXT NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
	starts_at INTEGER NOT NULL,
	minutes   INTEGER NOT NULL,
	position  INTEGER NOT NULL
);
CREATE INDEX poll_options_poll ON poll_options (poll_id, position);

CREATE TABLE poll_answers (
	option_id  TEXT NOT NULL REFERENCES poll_options (id) ON DELETE CASCADE,
	user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	answer     TEXT NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (option_id, user_id)
);

-- calendar_feeds holds each person's private feed address. The secret is
-- kept as is: the person must be able to see the address again, and it only
-- reads what the database holds anyway. Replacing it revokes the old one.
CREATE TABLE calendar_feeds (
	user_id    TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	secret     TEXT NOT NULL UNIQUE,
	created_at INTEGER NOT NULL
);

-- notification_prefs records the messages a person turned off (or back on);
-- a missing row means the default, on.
CREATE TABLE notification_prefs (
	user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	kind       TEXT NOT NULL,
	enabled    INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (user_id, kind)
);

-- Outbox messages about meetings are keyed (meeting, recipient, kind,
-- sequence): enqueueing the same key twice keeps one row, and the key is the
-- message's Message-ID, so a resend after a crash is recognisably the same
-- message. Their bodies are rendered when sent, from the meeting as it is
-- then; dropped_at marks messages not sent on purpose (meeting cancelled or
-- moved since, recipient turned the kind off), with the reason.
ALTER TABLE outbox ADD COLUMN dedupe_key TEXT;
ALTER TABLE outbox ADD COLUMN meeting_id TEXT REFERENCES meetings (id) ON DELETE CASCADE;
ALTER TABLE outbox ADD COLUMN user_id TEXT REFERENCES users (id) ON DELETE CASCADE;
ALTER TABLE outbox ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN ref_id TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN dropped_at INTEGER;
CREATE UNIQUE INDEX outbox_dedupe ON outbox (dedupe_key);
CREATE INDEX outbox_meeting ON outbox (meeting_id) WHERE sent_at IS NULL AND failed_at IS NULL AND dropped_at IS NULL;
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL AND dropped_at IS NULL;
