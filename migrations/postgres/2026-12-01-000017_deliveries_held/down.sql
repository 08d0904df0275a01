DROP INDEX deliveries_due_idx;
ALTER TABLE deliveries DROP COLUMN held;
CREATE INDEX deliveries_due_idx ON deliveries (next_attempt_at, id) WHERE state = 'pending';
