-- The circles' discussions: threads and replies, circle content sealed with
-- the circle's key: titles, and bodies both as written (Markdown) and as the
-- sanitised HTML rendered from them when written, so that a page of a long
-- thread renders nothing. A thread deleted by its author keeps its row,
-- emptied, so its address can say so. Each person's last visit of a thread
-- marks what is new for her; her choice of e-mails (immediate, a weekly
-- digest, none) holds for all her circles.
CREATE TABLE discussion_threads (
	id           TEXT PRIMARY KEY,
	circle_id    TEXT NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
	author_id    TEXT REFERENCES users (id) ON DELETE SET NULL,
	meeting_id   TEXT REFERENCES meetings (id) ON DELETE SET NULL,
	title        TEXT NOT NULL DEFAULT '',
	body         TEXT NOT NULL DEFAULT '',
	body_html    TEXT NOT NULL DEFAULT '',
	created_at   INTEGER NOT NULL,
	edited_at    INTEGER,
	deleted_at   INTEGER,
	last_post_at INTEGER NOT NULL,
	replies      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX discussion_threads_circle ON discussion_threads (circle_id, last_post_at);
CREATE INDEX discussion_threads_meeting ON discussion_threads (meeting_id);

CREATE TABLE discussion_replies (
	id         TEXT PRIMARY KEY,
	thread_id  TEXT NOT NULL REFERENCES discussion_threads (id) ON DELETE CASCADE,
	author_id  TEXT REFERENCES users (id) ON DELETE SET NULL,
	body       TEXT NOT NULL DEFAULT '',
	body_html  TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	edited_at  INTEGER
);
CREATE INDEX discussion_replies_thread ON discussion_replies (thread_id, created_at, id);

CREATE TABLE discussion_reads (
	user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	thread_id TEXT NOT NULL REFERENCES discussion_threads (id) ON DELETE CASCADE,
	read_at   INTEGER NOT NULL,
	PRIMARY KEY (user_id, thread_id)
);

CREATE TABLE discussion_prefs (
	user_id  TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	delivery TEXT NOT NULL
);
