-- A run's audience is queued in batches of clients in id order, each batch a short write
-- transaction of its own, so that queueing a million clients never holds SQLite's one write lock
-- for all of it, and workers send the first batches while the rest are queued. queued_up_to is
-- the highest client id the queueing has passed, NULL once the whole audience is queued: a run is
-- not finished before then, and a run left half-queued by a crash is queued on by the next
-- scheduler tick. Runs made before are queued already.
ALTER TABLE runs ADD COLUMN queued_up_to BIGINT;
-- The batches walk an owner's clients in id order (every SQLite index ends with the row id).
CREATE INDEX clients_owner_id_idx ON clients (owner_id);
-- Each scheduler tick looks for runs still being queued: a handful at most.
CREATE INDEX runs_queueing_idx ON runs (id) WHERE queued_up_to IS NOT NULL;
