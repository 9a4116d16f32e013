-- The parking lot: each member's list of issues she may bring to a meeting,
-- private to her until shared_at is set. title and why are sealed with the
-- circle's key. A topic picked for a meeting names it (and became her
-- challenge card draft there); a cancelled meeting lets it wait again.
CREATE TABLE parking_topics (
	id                TEXT PRIMARY KEY,
	circle_id         TEXT NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
	owner_id          TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	title             TEXT NOT NULL DEFAULT '',
	why               TEXT NOT NULL DEFAULT '',
	priority          TEXT NOT NULL,
	minutes           INTEGER NOT NULL,
	shared_at         INTEGER,
	picked_meeting_id TEXT REFERENCES meetings (id) ON DELETE SET NULL,
	picked_at         INTEGER,
	created_at        INTEGER NOT NULL,
	updated_at        INTEGER NOT NULL
);
CREATE INDEX parking_topics_circle ON parking_topics (circle_id, owner_id);

-- parking_wants are members' marks on shared topics they want to hear: the
-- circle's quick vote before the facilitator picks.
CREATE TABLE parking_wants (
	topic_id   TEXT NOT NULL REFERENCES parking_topics (id) ON DELETE CASCADE,
	user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (topic_id, user_id)
);
