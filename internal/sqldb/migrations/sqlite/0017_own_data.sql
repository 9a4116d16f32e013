-- A person's data in her own hands. A deleted account keeps its row as a
-- nameless stand-in ("A former member"), so the board posts and commitments
-- she left in circles still point somewhere; deleted_at marks it.
ALTER TABLE users ADD COLUMN deleted_at INTEGER;

-- Declined and unplaced applicants are anonymised this many days after the
-- program starts; anonymised_at marks those done, so each is done once.
ALTER TABLE programs ADD COLUMN anonymise_after_days INTEGER NOT NULL DEFAULT 90;
ALTER TABLE applicants ADD COLUMN anonymised_at INTEGER;
