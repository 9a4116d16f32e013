-- A way in for the unplaced: the question an organizer sends a person a
-- formation draft leaves out, whether she can make one of the weekly times
-- that would place her. The link's token is stored hashed; options are JSON
-- (the times as she was shown them). One ask per person and draft.
CREATE TABLE time_asks (
	id           TEXT PRIMARY KEY,
	draft_id     TEXT NOT NULL REFERENCES formation_drafts (id) ON DELETE CASCADE,
	applicant_id TEXT NOT NULL REFERENCES applicants (id) ON DELETE CASCADE,
	token_hash   TEXT NOT NULL UNIQUE,
	options      TEXT NOT NULL,
	asked_by     TEXT REFERENCES users (id) ON DELETE SET NULL,
	created_at   INTEGER NOT NULL,
	expires_at   INTEGER NOT NULL,
	answered_at  INTEGER,
	choice       INTEGER NOT NULL DEFAULT -1,
	outcome      TEXT NOT NULL DEFAULT '',
	message      TEXT NOT NULL DEFAULT '',
	UNIQUE (draft_id, applicant_id)
);
