-- Sending: a run is one sending of a mailing; it queues one delivery per client, and every try of a
-- delivery is an attempt.

ALTER TABLE mailings ADD COLUMN schedule TEXT NOT NULL DEFAULT 'once'
    CHECK (schedule IN ('once', 'daily', 'weekly', 'monthly'));
-- When the scheduler starts the next run by itself; NULL once the schedule has nothing left.
-- Workers compare-and-set it, so each scheduled send happens once however many processes tick.
ALTER TABLE mailings ADD COLUMN next_run_at TIMESTAMP;
UPDATE mailings SET next_run_at = starts_at WHERE ends_at > (strftime('%Y-%m-%d %H:%M:%f', 'now')) AND NOT disabled;
CREATE INDEX mailings_next_run_at_idx ON mailings (next_run_at) WHERE next_run_at IS NOT NULL;

-- Set by the unsubscribe link in a mailing's message; later runs leave the client out.
ALTER TABLE clients ADD COLUMN unsubscribed_at TIMESTAMP;

CREATE TABLE runs (
    id            INTEGER PRIMARY KEY,
    mailing_id    BIGINT    NOT NULL REFERENCES mailings (id) ON DELETE CASCADE,
    trigger       TEXT      NOT NULL CHECK (trigger IN ('manual', 'schedule')),
    -- The schedule's send time this run is for (NULL for a manual run): at most one run per slot.
    scheduled_for TIMESTAMP,
    total         BIGINT    NOT NULL DEFAULT 0,
    skipped       BIGINT    NOT NULL DEFAULT 0,
    created_at    TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    started_at    TIMESTAMP,
    finished_at   TIMESTAMP
);
CREATE UNIQUE INDEX runs_mailing_slot_key ON runs (mailing_id, scheduled_for);
CREATE INDEX runs_mailing_created_at_idx ON runs (mailing_id, created_at, id);
CREATE INDEX runs_unfinished_idx ON runs (mailing_id) WHERE finished_at IS NULL;

CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY,
    run_id          BIGINT    NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    -- The client as it was when the run was queued: the mail goes where it was meant to go.
    client_id       BIGINT    REFERENCES clients (id) ON DELETE SET NULL,
    email           TEXT      NOT NULL,
    full_name       TEXT      NOT NULL,
    state           TEXT      NOT NULL DEFAULT 'pending'
                              CHECK (state IN ('pending', 'sent', 'failed', 'cancelled')),
    attempts        INTEGER   NOT NULL DEFAULT 0,
    -- Due time while waiting; while a worker holds it, when its lease runs out (then another
    -- worker takes it over).
    next_attempt_at TIMESTAMP NOT NULL,
    -- The claim that holds it: only that claim may record its outcome.
    lease           BIGINT,
    updated_at      TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now'))
);
-- Workers claim the oldest due deliveries; finished ones leave the index.
CREATE INDEX deliveries_due_idx ON deliveries (next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX deliveries_run_state_idx ON deliveries (run_id, state);
CREATE INDEX deliveries_client_id_idx ON deliveries (client_id);

ALTER TABLE attempts ADD COLUMN run_id BIGINT REFERENCES runs (id) ON DELETE CASCADE;
CREATE INDEX attempts_run_id_idx ON attempts (run_id);
