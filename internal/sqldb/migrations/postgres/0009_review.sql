-- Reviewing applicants in bulk: the organizer's own words for the kind
-- message a declined applicant may get. The message is written when it is
-- sent, so it reads the note from here.
ALTER TABLE applicants ADD COLUMN decline_note TEXT NOT NULL DEFAULT '';
