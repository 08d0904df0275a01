-- attempts keeps no foreign keys (see the PostgreSQL migration for why): the client link goes,
-- run_id is a copy of the delivery's, and a trigger deletes a mailing's attempts with it. SQLite
-- cannot drop a column with a foreign key, so the table is rebuilt; nothing references attempts.
CREATE TABLE attempts_new (
    id              INTEGER PRIMARY KEY,
    mailing_id      BIGINT  NOT NULL,
    client_email    TEXT    NOT NULL,
    attempted_at    TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    status          TEXT    NOT NULL CHECK (status IN ('success', 'failure')),
    server_response TEXT    NOT NULL DEFAULT '',
    run_id          BIGINT
);
INSERT INTO attempts_new
    (id, mailing_id, client_email, attempted_at, status, server_response, run_id)
SELECT id, mailing_id, client_email, attempted_at, status, server_response, run_id FROM attempts;
DROP TABLE attempts;
ALTER TABLE attempts_new RENAME TO attempts;
CREATE INDEX attempts_mailing_attempted_at_idx ON attempts (mailing_id, attempted_at, id);
CREATE INDEX attempts_mailing_status_idx ON attempts (mailing_id, status);
CREATE INDEX attempts_attempted_at_idx ON attempts (attempted_at, id);

CREATE TRIGGER mailings_delete_attempts AFTER DELETE ON mailings
BEGIN
    DELETE FROM attempts WHERE mailing_id = OLD.id;
END;

-- A claim sets the lease's end apart instead of moving next_attempt_at.
ALTER TABLE deliveries ADD COLUMN leased_until TIMESTAMP;
UPDATE deliveries SET leased_until = next_attempt_at WHERE lease IS NOT NULL AND state = 'pending';
DROP INDEX deliveries_run_state_idx;
CREATE INDEX deliveries_run_pending_idx ON deliveries (run_id) WHERE state = 'pending';
