DROP INDEX runs_queueing_idx;
DROP INDEX clients_owner_id_idx;
ALTER TABLE runs DROP COLUMN queued_up_to;
