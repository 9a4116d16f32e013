-- The live meeting room: where a meeting stands (segment, timer, speaker),
-- who spoke for how long (time only, never content), raised hands, the board,
-- attendance, closing reflections and the guests of a meeting.

-- room_state is one row per meeting whose room was used. version goes up with
-- every change of anything the room shows, so screens and the instances'
-- listeners can tell a current picture from a stale one.
CREATE TABLE room_state (
	meeting_id       TEXT PRIMARY KEY REFERENCES meetings (id) ON DELETE CASCADE,
	version          INTEGER NOT NULL DEFAULT 0,
	current_pos      INTEGER NOT NULL DEFAULT 0,
	started_at       INTEGER,
	ended_at         INTEGER,
	timer_running    INTEGER NOT NULL DEFAULT 0,
	timer_started_at INTEGER,
	timer_elapsed_ms INTEGER NOT NULL DEFAULT 0,
	timer_extra_ms   INTEGER NOT NULL DEFAULT 0,
	speaker_id       TEXT REFERENCES users (id) ON DELETE SET NULL,
	speaker_since    INTEGER
);

-- speaking_turns keeps when each person had the floor; the open turn has no
-- end. An id, because the same person may get the floor twice in one instant.
CREATE TABLE speaking_turns (
	id         TEXT PRIMARY KEY,
	meeting_id TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
	user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	started_at INTEGER NOT NULL,
	ended_at   INTEGER
);
CREATE INDEX speaking_turns_meeting ON speaking_turns (meeting_id, started_at);

CREATE TABLE raised_hands (
	meeting_id TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
	user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	raised_at  INTEGER NOT NULL,
	PRIMARY KEY (meeting_id, user_id)
);

-- board_posts are questions and suggestions. segment_id names the segment
-- they were posted in (no foreign key: an agenda edited later must not lose
-- posts); a post is shown to guests only when that segment is shared with
-- them. picked_by is the presenter who will act on it.
CREATE TABLE board_posts (
	id         TEXT PRIMARY KEY,
	meeting_id TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
	segment_id TEXT,
	author_id  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	kind       TEXT NOT NULL,
	body       TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	picked     INTEGER NOT NULL DEFAULT 0,
	picked_by  TEXT REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX board_posts_meeting ON board_posts (meeting_id, created_at);

-- attendance is taken from who joined the room; marked is set once the
-- facilitator corrected it, and a later join does not undo a correction.
CREATE TABLE attendance (
	meeting_id TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
	user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	present    INTEGER NOT NULL,
	marked     INTEGER NOT NULL DEFAULT 0,
	joined_at  INTEGER,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (meeting_id, user_id)
);
CREATE INDEX attendance_user ON attendance (user_id);

CREATE TABLE reflections (
	meeting_id TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
	user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	relevance  INTEGER NOT NULL,
	insights   INTEGER NOT NULL,
	heard      INTEGER NOT NULL,
	line       TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (meeting_id, user_id)
);

-- meeting_guests are people invited to one meeting, who follow the segments
-- shared with guests.
CREATE TABLE meeting_guests (
	meeting_id TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
	user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	invited_by TEXT REFERENCES users (id) ON DELETE SET NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (meeting_id, user_id)
);
CREATE INDEX meeting_guests_user ON meeting_guests (user_id);

-- The minutes stay in meetings.notes; notes_version goes up with every save,
-- so a save written from an older version is merged instead of lost.
ALTER TABLE meetings ADD COLUMN notes_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE meetings ADD COLUMN notes_updated_by TEXT REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE meetings ADD COLUMN notes_updated_at INTEGER;
