-- Foundation: accounts, programs, applications, circles, meetings, outbox.
-- Times are BIGINT Unix milliseconds, dates TEXT YYYY-MM-DD, flags INTEGER 0/1,
-- IDs TEXT UUIDv7 made by the application: the same on SQLite.

CREATE TABLE users (
	id            TEXT PRIMARY KEY,
	email         TEXT NOT NULL UNIQUE,
	name          TEXT NOT NULL,
	time_zone     TEXT NOT NULL,
	is_admin      INTEGER NOT NULL DEFAULT 0,
	can_organize  INTEGER NOT NULL DEFAULT 0,
	password_hash TEXT NOT NULL DEFAULT '',
	created_at    BIGINT NOT NULL
);

-- installation has at most one row: the first administrator claims it, so two
-- visitors racing through the set-up page cannot both become administrator.
CREATE TABLE installation (
	id             INTEGER PRIMARY KEY CHECK (id = 1),
	first_admin_id TEXT NOT NULL REFERENCES users (id),
	created_at     BIGINT NOT NULL
);

CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);

CREATE TABLE sign_in_links (
	token_hash TEXT PRIMARY KEY,
	user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	used_at    BIGINT
);
CREATE INDEX sign_in_links_user_id ON sign_in_links (user_id);

CREATE TABLE programs (
	id                TEXT PRIMARY KEY,
	name              TEXT NOT NULL,
	purpose           TEXT NOT NULL,
	start_date        TEXT NOT NULL,
	end_date          TEXT NOT NULL,
	cadence           TEXT NOT NULL,
	session_minutes   INTEGER NOT NULL,
	size_min          INTEGER NOT NULL,
	size_target       INTEGER NOT NULL,
	size_max          INTEGER NOT NULL,
	time_zone         TEXT NOT NULL,
	ground_rules      TEXT NOT NULL,
	applications_open INTEGER NOT NULL DEFAULT 0,
	created_at        BIGINT NOT NULL,
	updated_at        BIGINT NOT NULL
);

CREATE TABLE program_organizers (
	program_id TEXT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
	user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at BIGINT NOT NULL,
	PRIMARY KEY (program_id, user_id)
);
CREATE INDEX program_organizers_user_id ON program_organizers (user_id);

CREATE TABLE circles (
	id         TEXT PRIMARY KEY,
	program_id TEXT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
	name       TEXT NOT NULL,
	time_zone  TEXT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX circles_program_id ON circles (program_id);

CREATE TABLE applicants (
	id           TEXT PRIMARY KEY,
	program_id   TEXT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
	name         TEXT NOT NULL,
	email        TEXT NOT NULL,
	title        TEXT NOT NULL,
	organization TEXT NOT NULL,
	sector       TEXT NOT NULL,
	industry     TEXT NOT NULL,
	job_function TEXT NOT NULL,
	level        INTEGER NOT NULL,
	time_zone    TEXT NOT NULL,
	availability TEXT NOT NULL,
	goals        TEXT NOT NULL,
	topics       TEXT NOT NULL,
	avoid        TEXT NOT NULL,
	status       TEXT NOT NULL,
	circle_id    TEXT REFERENCES circles (id) ON DELETE SET NULL,
	created_at   BIGINT NOT NULL,
	UNIQUE (program_id, email)
);
CREATE INDEX applicants_circle_id ON applicants (circle_id);

CREATE TABLE circle_members (
	circle_id                TEXT NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
	user_id                  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	applicant_id             TEXT REFERENCES applicants (id) ON DELETE SET NULL,
	role                     TEXT NOT NULL,
	invited_at               BIGINT NOT NULL,
	joined_at                BIGINT,
	ground_rules_accepted_at BIGINT,
	PRIMARY KEY (circle_id, user_id)
);
CREATE INDEX circle_members_user_id ON circle_members (user_id);

CREATE TABLE invitations (
	token_hash TEXT PRIMARY KEY,
	circle_id  TEXT NOT NULL,
	user_id    TEXT NOT NULL,
	role       TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	used_at    BIGINT,
	FOREIGN KEY (circle_id, user_id) REFERENCES circle_members (circle_id, user_id) ON DELETE CASCADE
);
CREATE INDEX invitations_member ON invitations (circle_id, user_id);

CREATE TABLE goals (
	id         TEXT PRIMARY KEY,
	circle_id  TEXT NOT NULL,
	user_id    TEXT NOT NULL,
	body       TEXT NOT NULL,
	position   INTEGER NOT NULL,
	created_at BIGINT NOT NULL,
	FOREIGN KEY (circle_id, user_id) REFERENCES circle_members (circle_id, user_id) ON DELETE CASCADE
);
CREATE INDEX goals_member ON goals (circle_id, user_id);

CREATE TABLE meetings (
	id         TEXT PRIMARY KEY,
	circle_id  TEXT NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
	starts_at  BIGINT NOT NULL,
	minutes    INTEGER NOT NULL,
	video_url  TEXT NOT NULL,
	place      TEXT NOT NULL,
	agenda     TEXT NOT NULL,
	created_by TEXT REFERENCES users (id) ON DELETE SET NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX meetings_circle_starts ON meetings (circle_id, starts_at);

CREATE TABLE rsvps (
	meeting_id TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
	user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	answer     TEXT NOT NULL,
	updated_at BIGINT NOT NULL,
	PRIMARY KEY (meeting_id, user_id)
);

-- outbox holds e-mail enqueued inside a transaction, sent after commit. The
-- bodies are cleared once sent: they may hold sign-in links.
CREATE TABLE outbox (
	id              TEXT PRIMARY KEY,
	kind            TEXT NOT NULL,
	recipient       TEXT NOT NULL,
	subject         TEXT NOT NULL,
	text_body       TEXT NOT NULL,
	html_body       TEXT NOT NULL,
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at BIGINT NOT NULL,
	last_error      TEXT NOT NULL DEFAULT '',
	created_at      BIGINT NOT NULL,
	sent_at         BIGINT,
	failed_at       BIGINT
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
