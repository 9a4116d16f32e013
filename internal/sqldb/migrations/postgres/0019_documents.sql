-- A circle's shared documents: files and links. title, file_name and url
-- are sealed with the circle's key; a file's bytes are in document_chunks,
-- each piece sealed on its own (bound to its document and position), so a
-- file is written and read a piece at a time and several instances on one
-- database all see it. ready_at is NULL while a file is still arriving:
-- such a row is shown nowhere, and removed with its pieces if the upload
-- fails or is abandoned.
CREATE TABLE documents (
	id           TEXT PRIMARY KEY,
	circle_id    TEXT NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
	kind         TEXT NOT NULL,
	title        TEXT NOT NULL,
	file_name    TEXT NOT NULL DEFAULT '',
	url          TEXT NOT NULL DEFAULT '',
	content_type TEXT NOT NULL DEFAULT '',
	size         BIGINT NOT NULL DEFAULT 0,
	chunks       INTEGER NOT NULL DEFAULT 0,
	added_by     TEXT REFERENCES users (id) ON DELETE SET NULL,
	created_at   BIGINT NOT NULL,
	ready_at     BIGINT
);
CREATE INDEX documents_circle ON documents (circle_id, created_at);

CREATE TABLE document_chunks (
	document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
	position    INTEGER NOT NULL,
	data        BYTEA NOT NULL,
	PRIMARY KEY (document_id, position)
);

-- A document is a reading for a meeting of its circle.
CREATE TABLE meeting_documents (
	meeting_id  TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
	document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
	added_at    BIGINT NOT NULL,
	PRIMARY KEY (meeting_id, document_id)
);
CREATE INDEX meeting_documents_document ON meeting_documents (document_id);
