-- A version per part of the live room, so a change names what it touched and
-- the screens reload and redraw only that. Each takes the room's version at
-- the change that touched the part last; 0 for never.
ALTER TABLE room_state ADD COLUMN state_v    INTEGER NOT NULL DEFAULT 0;
ALTER TABLE room_state ADD COLUMN agenda_v   INTEGER NOT NULL DEFAULT 0;
ALTER TABLE room_state ADD COLUMN people_v   INTEGER NOT NULL DEFAULT 0;
ALTER TABLE room_state ADD COLUMN speaking_v INTEGER NOT NULL DEFAULT 0;
ALTER TABLE room_state ADD COLUMN board_v    INTEGER NOT NULL DEFAULT 0;
ALTER TABLE room_state ADD COLUMN actions_v  INTEGER NOT NULL DEFAULT 0;
ALTER TABLE room_state ADD COLUMN minutes_v  INTEGER NOT NULL DEFAULT 0;
