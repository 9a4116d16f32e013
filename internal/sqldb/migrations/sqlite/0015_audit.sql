-- The audit log: who did what to accounts, roles and circles' people, when,
-- from which address. No foreign keys: entries outlive the accounts, circles
-- and applicants they name (until retention deletes them). Never a secret,
-- never circle content: IDs, an e-mail tried at sign-in, a few fixed words.
CREATE TABLE audit_log (
	id          TEXT PRIMARY KEY,
	at          INTEGER NOT NULL,
	kind        TEXT NOT NULL,
	actor_id    TEXT,
	system      INTEGER NOT NULL DEFAULT 0,
	email       TEXT NOT NULL DEFAULT '',
	user_id     TEXT,
	circle_id   TEXT,
	program_id  TEXT,
	ref         TEXT NOT NULL DEFAULT '',
	detail      TEXT NOT NULL DEFAULT '',
	client_addr TEXT NOT NULL DEFAULT ''
);
-- Pages read newest first by (at, id); the person filter reads by actor,
-- by the person concerned and by the address tried.
CREATE INDEX audit_log_at ON audit_log (at, id);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at);
CREATE INDEX audit_log_user ON audit_log (user_id, at);
CREATE INDEX audit_log_email ON audit_log (email, at) WHERE email <> '';
