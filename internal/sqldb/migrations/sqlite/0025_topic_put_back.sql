-- picked_role is 1 when picking a topic made its owner a presenter of the
-- meeting (she was not one already), so putting the topic back in the lot
-- undoes exactly that and no more; 0 when she presented already; -1 for
-- topics picked before this was recorded, when nobody knows.
ALTER TABLE parking_topics ADD COLUMN picked_role INTEGER NOT NULL DEFAULT 0;
UPDATE parking_topics SET picked_role = -1 WHERE picked_meeting_id IS NOT NULL;
