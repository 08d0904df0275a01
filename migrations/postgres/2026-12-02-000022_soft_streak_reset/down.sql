ALTER TABLE delivery_events DROP COLUMN in_streak;
