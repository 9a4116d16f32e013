-- room_presence is one row per screen that has a meeting's room open and
-- follows it live, on whichever app instance holds its connection. A row
-- lives until expires_at unless its instance renews it, so the screens of an
-- instance that stopped without saying goodbye stop counting soon after.
CREATE TABLE room_presence (
	id         TEXT PRIMARY KEY,
	meeting_id TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
	user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	instance   TEXT NOT NULL,
	expires_at INTEGER NOT NULL
);
CREATE INDEX room_presence_meeting ON room_presence (meeting_id, user_id);
CREATE INDEX room_presence_instance ON room_presence (instance);
CREATE INDEX room_presence_expires ON room_presence (expires_at);

-- Each person's posts on a meeting's board are counted before another is
-- taken (roundtable.MaxPostsPerMeeting).
CREATE INDEX board_posts_author ON board_posts (meeting_id, author_id);
