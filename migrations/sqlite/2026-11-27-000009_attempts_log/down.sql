DROP INDEX deliveries_run_pending_idx;
CREATE INDEX deliveries_run_state_idx ON deliveries (run_id, state);
UPDATE deliveries SET next_attempt_at = leased_until WHERE leased_until IS NOT NULL AND state = 'pending';
ALTER TABLE deliveries DROP COLUMN leased_until;

DROP TRIGGER mailings_delete_attempts;
CREATE TABLE attempts_old (
    id              INTEGER PRIMARY KEY,
    mailing_id      BIGINT  NOT NULL REFERENCES mailings (id) ON DELETE CASCADE,
    client_id       BIGINT  REFERENCES clients (id) ON DELETE SET NULL,
    client_email    TEXT    NOT NULL,
    attempted_at    TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    status          TEXT    NOT NULL CHECK (status IN ('success', 'failure')),
    server_response TEXT    NOT NULL DEFAULT '',
    run_id          BIGINT REFERENCES runs (id) ON DELETE CASCADE
);
INSERT INTO attempts_old
    (id, mailing_id, client_id, client_email, attempted_at, status, server_response, run_id)
SELECT a.id, a.mailing_id,
       (SELECT d.client_id FROM deliveries d WHERE d.run_id = a.run_id AND d.email = a.client_email),
       a.client_email, a.attempted_at, a.status, a.server_response,
       (SELECT r.id FROM runs r WHERE r.id = a.run_id)
FROM attempts a
WHERE EXISTS (SELECT 1 FROM mailings m WHERE m.id = a.mailing_id);
DROP TABLE attempts;
ALTER TABLE attempts_old RENAME TO attempts;
CREATE INDEX attempts_mailing_attempted_at_idx ON attempts (mailing_id, attempted_at, id);
CREATE INDEX attempts_mailing_status_idx ON attempts (mailing_id, status);
CREATE INDEX attempts_attempted_at_idx ON attempts (attempted_at, id);
CREATE INDEX attempts_client_id_idx ON attempts (client_id);
CREATE INDEX attempts_run_id_idx ON attempts (run_id);
