-- A run still being queued when this is undone keeps what it has queued: the code before knows
-- no half-queued run.
DROP INDEX runs_queueing_idx;
DROP TRIGGER clients_forget_deliveries ON clients;
DROP FUNCTION forget_clients_of_deliveries();
DROP TRIGGER runs_delete_deliveries ON runs;
DROP FUNCTION delete_deliveries_of_deleted_runs();
-- What the foreign keys would not have let be: gone before they come back.
UPDATE deliveries SET client_id = NULL WHERE client_id NOT IN (SELECT id FROM clients);
DELETE FROM deliveries WHERE run_id NOT IN (SELECT id FROM runs);
ALTER TABLE deliveries ADD CONSTRAINT deliveries_client_id_fkey
    FOREIGN KEY (client_id) REFERENCES clients (id) ON DELETE SET NULL;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_run_id_fkey
    FOREIGN KEY (run_id) REFERENCES runs (id) ON DELETE CASCADE;
DROP INDEX clients_owner_id_idx;
ALTER TABLE runs DROP COLUMN queued_up_to;
