-- Commitments between meetings: the owner's latest word on each (kept in
-- action_items.report, sealed) and when she gave it.
ALTER TABLE action_items ADD COLUMN noted_at INTEGER;

-- How often members check in on their goals: 1w, 2w, 1m (the default), 2m, 3m.
ALTER TABLE programs ADD COLUMN checkin_every TEXT NOT NULL DEFAULT '1m';

-- Whether a member shows her goal check-ins to her circle (off until she says so).
ALTER TABLE circle_members ADD COLUMN share_checkins INTEGER NOT NULL DEFAULT 0;

-- A member's rating of her progress on one goal, 1 to 5, with a line of
-- reflection (sealed with the circle's key). One per goal per period of the
-- program's cadence: checking in again in the same period replaces it.
CREATE TABLE goal_checkins (
	id         TEXT PRIMARY KEY,
	goal_id    TEXT NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
	circle_id  TEXT NOT NULL,
	user_id    TEXT NOT NULL,
	rating     INTEGER NOT NULL,
	reflection TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	FOREIGN KEY (circle_id, user_id) REFERENCES circle_members (circle_id, user_id) ON DELETE CASCADE
);
CREATE INDEX goal_checkins_member ON goal_checkins (circle_id, user_id, created_at);
CREATE INDEX goal_checkins_goal ON goal_checkins (goal_id, created_at);
