-- Circle formation: drafts an organizer previews, adjusts and publishes, and
-- each circle's chosen weekly slot. Settings and results are JSON text.

ALTER TABLE circles ADD COLUMN slot TEXT NOT NULL DEFAULT '';

CREATE TABLE formation_drafts (
	id         TEXT PRIMARY KEY,
	program_id TEXT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
	settings   TEXT NOT NULL,
	status     TEXT NOT NULL,
	progress   REAL NOT NULL DEFAULT 0,
	message    TEXT NOT NULL DEFAULT '',
	result     TEXT NOT NULL DEFAULT '',
	created_by TEXT REFERENCES users (id) ON DELETE SET NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE INDEX formation_drafts_program ON formation_drafts (program_id, created_at);
