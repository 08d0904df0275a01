-- Bounces, complaints and the suppression list (issue 18).

-- The addresses an owner's mailings no longer send to. An address is one entry per owner, in any
-- case, compared as clients' addresses are (lower()).
CREATE TABLE suppressions (
    id          BIGSERIAL PRIMARY KEY,
    owner_id    BIGINT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email       TEXT      NOT NULL,
    email_lower TEXT      GENERATED ALWAYS AS (lower(email)) STORED,
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

-- Mail that came back to the bounce address, stored as received before anything is decided: a
-- crash between accepting a report and acting on it loses nothing (a job processes it).
CREATE TABLE inbound_mail (
    id            BIGSERIAL PRIMARY KEY,
    received_at   TIMESTAMP NOT NULL,
    -- How it came: 'pipe' (`mailroom bounce`) or 'smtp' (the listener).
    door          TEXT      NOT NULL CHECK (door IN ('pipe', 'smtp')),
    envelope_from TEXT      NOT NULL DEFAULT '',
    envelope_to   TEXT      NOT NULL DEFAULT '',
    raw           BYTEA     NOT NULL,
    -- What the report was found to be, once processed: 'bounce', 'complaint' or 'ignored'.
    outcome       TEXT      CHECK (outcome IN ('bounce', 'complaint', 'ignored')),
    -- What was decided, in words, for the log and for whoever reads this table.
    decision      TEXT      NOT NULL DEFAULT '',
    processed_at  TIMESTAMP
);
CREATE INDEX inbound_mail_received_idx ON inbound_mail (received_at, id);

-- Each bounce or complaint, tied to its delivery and attempt (no foreign keys to those two: they
-- are the sending engine's hot tables, see migrations 000009 and 000018; deleting the mailing
-- deletes its events).
CREATE TABLE delivery_events (
    id          BIGSERIAL PRIMARY KEY,
    owner_id    BIGINT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    mailing_id  BIGINT    NOT NULL REFERENCES mailings (id) ON DELETE CASCADE,
    run_id      BIGINT    NOT NULL,
    delivery_id BIGINT    NOT NULL,
    attempt_id  BIGINT,
    email       TEXT      NOT NULL,
    email_lower TEXT      GENERATED ALWAYS AS (lower(email)) STORED,
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
-- Soft bounces in a row are counted per owner and address.
CREATE INDEX delivery_events_owner_email_idx ON delivery_events (owner_id, email_lower, id);
CREATE INDEX delivery_events_mailing_idx ON delivery_events (mailing_id);

-- Bounces and complaints per mailing and day, beside the attempts, kept by a trigger like them.
ALTER TABLE mailing_daily_stats ADD COLUMN bounced BIGINT NOT NULL DEFAULT 0;
ALTER TABLE mailing_daily_stats ADD COLUMN complained BIGINT NOT NULL DEFAULT 0;
CREATE FUNCTION count_added_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO mailing_daily_stats AS s (mailing_id, day, bounced, complained)
    SELECT mailing_id, created_at::date,
           count(*) FILTER (WHERE kind <> 'complaint'), count(*) FILTER (WHERE kind = 'complaint')
    FROM added GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (mailing_id, day) DO UPDATE
    SET bounced = s.bounced + excluded.bounced, complained = s.complained + excluded.complained;
    RETURN NULL;
END
$$;
CREATE TRIGGER delivery_events_count AFTER INSERT ON delivery_events
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION count_added_events();

-- A delivery the suppression list kept from being sent, and how many a run had.
ALTER TABLE deliveries DROP CONSTRAINT deliveries_state_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_state_check
    CHECK (state IN ('pending', 'sent', 'failed', 'cancelled', 'suppressed'));
ALTER TABLE runs ADD COLUMN suppressed BIGINT NOT NULL DEFAULT 0;

-- Low-volume work done in the background by any process (report processing first): one row per
-- job, written in the transaction that causes it, claimed with a lease that runs out if the
-- process dies, deleted once done, retried with a growing wait when it fails.
CREATE TABLE background_jobs (
    id           BIGSERIAL PRIMARY KEY,
    job_type     TEXT      NOT NULL,
    payload      TEXT      NOT NULL,
    priority     INTEGER   NOT NULL DEFAULT 0,
    attempts     INTEGER   NOT NULL DEFAULT 0,
    run_at       TIMESTAMP NOT NULL,
    lease        BIGINT,
    leased_until TIMESTAMP,
    last_error   TEXT,
    -- Set once its tries are used up: kept for a person to look at, never claimed again.
    failed_at    TIMESTAMP,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX background_jobs_due_idx ON background_jobs (priority DESC, run_at, id)
    WHERE failed_at IS NULL;
