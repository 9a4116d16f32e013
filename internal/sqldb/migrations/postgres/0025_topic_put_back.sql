-- picked_role is set when picking a topic made its owner a presenter of the
-- meeting (she was not one already), so putting the topic back in the lot
-- undoes exactly that and no more.
ALTER TABLE parking_topics ADD COLUMN picked_role INTEGER NOT NULL DEFAULT 0;
