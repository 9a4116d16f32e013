-- A program's default format: every meeting its circles' series make starts
-- with that agenda, fitted to the meeting. Programs made before keep running
-- with the usual circle meeting; "" means no agenda.
ALTER TABLE programs ADD COLUMN default_format TEXT NOT NULL DEFAULT 'circle_meeting';

-- Agenda templates were seen, applied and deletable by every facilitator of
-- the program, so one circle's titles and guidance could land in another's
-- agenda. Now a template is its author's alone unless she shares it with
-- the program's facilitators. Templates saved before become private to their
-- author: nothing written for one circle reaches another without the
-- author saying so, and she can share it again in one click.
ALTER TABLE agenda_templates ADD COLUMN shared INTEGER NOT NULL DEFAULT 0;

-- Names are unique per author, so a private template's name never shows
-- through another facilitator's "name taken" message.
DROP INDEX agenda_templates_name;
CREATE UNIQUE INDEX agenda_templates_name ON agenda_templates (program_id, created_by, lower(name));
