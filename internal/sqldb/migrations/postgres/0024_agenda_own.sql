-- agenda_own is set when a meeting's agenda was set for that meeting alone
-- (edited, or a format or template applied to it): a change of the circle's
-- format then leaves it as it is, where before it was overwritten.
ALTER TABLE meetings ADD COLUMN agenda_own INTEGER NOT NULL DEFAULT 0;
