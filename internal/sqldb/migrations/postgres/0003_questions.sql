-- Application questions: a program's own questions and each applicant's
-- answers, as JSON text ('' when there are none).

ALTER TABLE programs ADD COLUMN questions TEXT NOT NULL DEFAULT '';
ALTER TABLE applicants ADD COLUMN answers TEXT NOT NULL DEFAULT '';
