DROP INDEX deliveries_run_pending_idx;
CREATE INDEX deliveries_run_state_idx ON deliveries (run_id, state);
UPDATE deliveries SET next_attempt_at = leased_until WHERE leased_until IS NOT NULL AND state = 'pending';
ALTER TABLE deliveries DROP COLUMN leased_until;

DROP TRIGGER mailings_delete_attempts ON mailings;
DROP FUNCTION delete_attempts_of_deleted_mailings();
ALTER TABLE attempts ADD COLUMN client_id BIGINT REFERENCES clients (id) ON DELETE SET NULL;
UPDATE attempts AS a SET client_id = d.client_id
FROM deliveries AS d
WHERE d.run_id = a.run_id AND d.email = a.client_email;
CREATE INDEX attempts_client_id_idx ON attempts (client_id);
DELETE FROM attempts AS a WHERE NOT EXISTS (SELECT 1 FROM mailings m WHERE m.id = a.mailing_id);
UPDATE attempts AS a SET run_id = NULL WHERE NOT EXISTS (SELECT 1 FROM runs r WHERE r.id = a.run_id);
ALTER TABLE attempts ADD CONSTRAINT attempts_mailing_id_fkey
    FOREIGN KEY (mailing_id) REFERENCES mailings (id) ON DELETE CASCADE;
ALTER TABLE attempts ADD CONSTRAINT attempts_run_id_fkey
    FOREIGN KEY (run_id) REFERENCES runs (id) ON DELETE CASCADE;
CREATE INDEX attempts_run_id_idx ON attempts (run_id);
