-- A run still being queued when this is undone keeps what it has queued: the code before knows
-- no half-queued run.
DROP INDEX runs_queueing_idx;
DROP INDEX clients_owner_id_idx;
ALTER TABLE runs DROP COLUMN queued_up_to;
