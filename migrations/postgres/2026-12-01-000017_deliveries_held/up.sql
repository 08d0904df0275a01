-- A paused run's queued deliveries are held: out of the due index, so that claims walk only what
-- may go. Without it a claim reads past every queued delivery of a paused run, each time, to find
-- the ones after them (100,000 rows per claim for one paused mailing of 100,000 clients).
-- Pausing sets it on the run's pending deliveries that no worker holds, and resuming clears it, in
-- the same transaction as the run's paused_at; the state stays pending, so counts and retries are
-- as before. The few a worker gives back meanwhile are skipped by the claims' check of the run.
ALTER TABLE deliveries ADD COLUMN held BOOLEAN NOT NULL DEFAULT false;
DROP INDEX deliveries_due_idx;
CREATE INDEX deliveries_due_idx ON deliveries (next_attempt_at, id) WHERE state = 'pending' AND NOT held;
UPDATE deliveries SET held = true
WHERE state = 'pending'
  AND run_id IN (SELECT id FROM runs WHERE finished_at IS NULL AND paused_at IS NOT NULL);
