DROP TABLE background_jobs;
-- The runs' figures still add up: what was suppressed counts as cancelled.
UPDATE runs SET cancelled = cancelled + suppressed WHERE suppressed > 0;
ALTER TABLE runs DROP COLUMN suppressed;
CREATE TABLE deliveries_old (
    id              INTEGER PRIMARY KEY,
    run_id          BIGINT    NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    client_id       BIGINT    REFERENCES clients (id) ON DELETE SET NULL,
    email           TEXT      NOT NULL,
    full_name       TEXT      NOT NULL,
    state           TEXT      NOT NULL DEFAULT 'pending'
                              CHECK (state IN ('pending', 'sent', 'failed', 'cancelled')),
    attempts        INTEGER   NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease           BIGINT,
    updated_at      TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    leased_until    TIMESTAMP,
    held            BOOLEAN   NOT NULL DEFAULT false
);
-- Suppressed deliveries become cancelled ones: the old states know no other "not sent".
INSERT INTO deliveries_old (id, run_id, client_id, email, full_name, state, attempts,
                            next_attempt_at, lease, updated_at, leased_until, held)
SELECT id, run_id, client_id, email, full_name,
       CASE state WHEN 'suppressed' THEN 'cancelled' ELSE state END, attempts, next_attempt_at,
       lease, updated_at, leased_until, held
FROM deliveries;
DROP TABLE deliveries;
ALTER TABLE deliveries_old RENAME TO deliveries;
CREATE INDEX deliveries_client_id_idx ON deliveries (client_id);
CREATE INDEX deliveries_run_pending_idx ON deliveries (run_id) WHERE state = 'pending';
CREATE INDEX deliveries_due_idx ON deliveries (next_attempt_at, id) WHERE state = 'pending' AND NOT held;
DROP TRIGGER delivery_events_count;
ALTER TABLE mailing_daily_stats DROP COLUMN complained;
ALTER TABLE mailing_daily_stats DROP COLUMN bounced;
DROP TABLE delivery_events;
DROP TABLE inbound_mail;
DROP TABLE suppressions;
