-- Bounces, complaints and the suppression list (issue 18; the PostgreSQL migration explains each
-- table).

CREATE TABLE suppressions (
    id          INTEGER PRIMARY KEY,
    owner_id    BIGINT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email       TEXT      NOT NULL,
    email_lower TEXT      GENERATED ALWAYS AS (lower(email)) VIRTUAL,
    reason      TEXT      NOT NULL
                          CHECK (reason IN ('hard_bounce', 'soft_bounce', 'complaint', 'manual')),
    detail      TEXT      NOT NULL DEFAULT '',
    mailing_id  BIGINT    REFERENCES mailings (id) ON DELETE SET NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX suppressions_owner_email_key ON suppressions (owner_id, email_lower);
CREATE INDEX suppressions_owner_created_idx ON suppressions (owner_id, created_at, id);
CREATE INDEX suppressions_created_idx ON suppressions (created_at, id);
CREATE INDEX suppressions_mailing_idx ON suppressions (mailing_id);

CREATE TABLE inbound_mail (
    id            INTEGER PRIMARY KEY,
    received_at   TIMESTAMP NOT NULL,
    door          TEXT      NOT NULL CHECK (door IN ('pipe', 'smtp')),
    envelope_from TEXT      NOT NULL DEFAULT '',
    envelope_to   TEXT      NOT NULL DEFAULT '',
    raw           BLOB      NOT NULL,
    outcome       TEXT      CHECK (outcome IN ('bounce', 'complaint', 'ignored')),
    decision      TEXT      NOT NULL DEFAULT '',
    processed_at  TIMESTAMP
);
CREATE INDEX inbound_mail_received_idx ON inbound_mail (received_at, id);

CREATE TABLE delivery_events (
    id          INTEGER PRIMARY KEY,
    owner_id    BIGINT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    mailing_id  BIGINT    NOT NULL REFERENCES mailings (id) ON DELETE CASCADE,
    run_id      BIGINT    NOT NULL,
    delivery_id BIGINT    NOT NULL,
    attempt_id  BIGINT,
    email       TEXT      NOT NULL,
    email_lower TEXT      GENERATED ALWAYS AS (lower(email)) VIRTUAL,
    kind        TEXT      NOT NULL CHECK (kind IN ('hard_bounce', 'soft_bounce', 'complaint')),
    source      TEXT      NOT NULL CHECK (source IN ('smtp', 'dsn', 'arf')),
    detail      TEXT      NOT NULL DEFAULT '',
    report_id   BIGINT    REFERENCES inbound_mail (id) ON DELETE SET NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX delivery_events_attempt_idx ON delivery_events (attempt_id);
-- One event of each kind per delivery: a report that comes twice, or is read by two processes at
-- once, counts once.
CREATE UNIQUE INDEX delivery_events_delivery_kind_key ON delivery_events (delivery_id, kind);
CREATE INDEX delivery_events_owner_email_idx ON delivery_events (owner_id, email_lower);
CREATE INDEX delivery_events_mailing_idx ON delivery_events (mailing_id);

ALTER TABLE mailing_daily_stats ADD COLUMN bounced BIGINT NOT NULL DEFAULT 0;
ALTER TABLE mailing_daily_stats ADD COLUMN complained BIGINT NOT NULL DEFAULT 0;
CREATE TRIGGER delivery_events_count AFTER INSERT ON delivery_events
BEGIN
    INSERT INTO mailing_daily_stats (mailing_id, day, bounced, complained)
    VALUES (NEW.mailing_id, date(NEW.created_at),
            NEW.kind <> 'complaint', NEW.kind = 'complaint')
    ON CONFLICT (mailing_id, day) DO UPDATE
    SET bounced = bounced + excluded.bounced, complained = complained + excluded.complained;
END;

-- A new delivery state: SQLite cannot change a column's CHECK, so deliveries is rebuilt. Nothing
-- references it and no trigger is on it; its indexes are made again.
CREATE TABLE deliveries_new (
    id              INTEGER PRIMARY KEY,
    run_id          BIGINT    NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    client_id       BIGINT    REFERENCES clients (id) ON DELETE SET NULL,
    email           TEXT      NOT NULL,
    full_name       TEXT      NOT NULL,
    state           TEXT      NOT NULL DEFAULT 'pending'
                              CHECK (state IN ('pending', 'sent', 'failed', 'cancelled',
                                               'suppressed')),
    attempts        INTEGER   NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease           BIGINT,
    updated_at      TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    leased_until    TIMESTAMP,
    held            BOOLEAN   NOT NULL DEFAULT false
);
INSERT INTO deliveries_new (id, run_id, client_id, email, full_name, state, attempts,
                            next_attempt_at, lease, updated_at, leased_until, held)
SELECT id, run_id, client_id, email, full_name, state, attempts, next_attempt_at, lease,
       updated_at, leased_until, held
FROM deliveries;
DROP TABLE deliveries;
ALTER TABLE deliveries_new RENAME TO deliveries;
CREATE INDEX deliveries_client_id_idx ON deliveries (client_id);
CREATE INDEX deliveries_run_pending_idx ON deliveries (run_id) WHERE state = 'pending';
CREATE INDEX deliveries_due_idx ON deliveries (next_attempt_at, id) WHERE state = 'pending' AND NOT held;
ALTER TABLE runs ADD COLUMN suppressed BIGINT NOT NULL DEFAULT 0;

CREATE TABLE background_jobs (
    id           INTEGER PRIMARY KEY,
    job_type     TEXT      NOT NULL,
    payload      TEXT      NOT NULL,
    priority     INTEGER   NOT NULL DEFAULT 0,
    attempts     INTEGER   NOT NULL DEFAULT 0,
    run_at       TIMESTAMP NOT NULL,
    lease        BIGINT,
    leased_until TIMESTAMP,
    last_error   TEXT,
    failed_at    TIMESTAMP,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX background_jobs_due_idx ON background_jobs (priority DESC, run_at, id)
    WHERE failed_at IS NULL;
