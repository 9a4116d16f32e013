-- A formation draft's what-ifs: re-runs of placement with one setting changed
-- (60-minute sessions, circles one smaller, organizations not kept apart),
-- made in the background after the run, as JSON text; '' for none.
ALTER TABLE formation_drafts ADD COLUMN what_if TEXT NOT NULL DEFAULT '';
