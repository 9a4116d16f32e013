-- What a person sees of their sessions on the account page: an ID that names
-- a session in forms (never its token), the browser's short name, when it was
-- last used (written at most every few minutes), and whether a sign-in link
-- began it (such a session may set a password without the old one for a few
-- minutes). Sessions from before get a random ID of the same shape.
ALTER TABLE sessions ADD COLUMN id           TEXT    NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN browser      TEXT    NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT  NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN via_link     INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET id = CAST(md5(random()::text || token_hash) AS UUID)::text, last_seen_at = created_at;
CREATE UNIQUE INDEX sessions_id ON sessions (id);
