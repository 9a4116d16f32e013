-- calendar_copies remembers, for each person and meeting, the time, length,
-- link and place of each invitation written for them (one row a sequence),
-- so that an update can tell them what changed since the one they have.
CREATE TABLE calendar_copies (
	meeting_id TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
	user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	sequence   INTEGER NOT NULL,
	starts_at  BIGINT NOT NULL,
	minutes    INTEGER NOT NULL,
	video_url  TEXT NOT NULL,
	place      TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	PRIMARY KEY (meeting_id, user_id, sequence)
);
