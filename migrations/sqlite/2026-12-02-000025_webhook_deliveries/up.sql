-- The webhook outbox (issue 19): one row per call to one endpoint, written in the transaction of
-- what caused it and sent by the workers as background jobs. An attempt batch stays `open` while
-- the sender appends to it (`data` then holds its attempts, comma-joined) and is closed by the
-- job that sends it; every other event is written closed, its `data` the event's JSON.
CREATE TABLE webhook_deliveries (
    id               INTEGER   PRIMARY KEY,
    webhook_id       BIGINT    NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_type       TEXT      NOT NULL CHECK (event_type IN (
        'attempt.succeeded', 'attempt.failed', 'run.started', 'run.completed',
        'client.unsubscribed', 'mailing.disabled', 'client.suppressed', 'bounce.received',
        'complaint.received', 'webhook.test')),
    -- The `webhook-id` header: the same on every try.
    message_id       TEXT      NOT NULL UNIQUE,
    data             TEXT      NOT NULL,
    items            INTEGER   NOT NULL DEFAULT 0,
    open             BOOLEAN   NOT NULL DEFAULT FALSE,
    state            TEXT      NOT NULL DEFAULT 'pending'
                               CHECK (state IN ('pending', 'delivered', 'failed')),
    tries            INTEGER   NOT NULL DEFAULT 0,
    next_try_at      TIMESTAMP,
    -- Which job may send it: a job carries the value it was scheduled with, and one scheduled
    -- before a manual retry finds it changed and does nothing.
    schedule         BIGINT    NOT NULL DEFAULT 0,
    lease            BIGINT,
    leased_until     TIMESTAMP,
    -- The last try's error, or why it was given up without one.
    last_error       TEXT,
    created_at       TIMESTAMP NOT NULL
);
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, id);
CREATE INDEX webhook_deliveries_open_idx ON webhook_deliveries (webhook_id, event_type) WHERE open;
CREATE INDEX webhook_deliveries_created_idx ON webhook_deliveries (created_at);

-- Every try of a delivery: when, what the receiver answered (or why nothing), how long it took.
CREATE TABLE webhook_delivery_tries (
    id          INTEGER   PRIMARY KEY,
    delivery_id BIGINT    NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    tried_at    TIMESTAMP NOT NULL,
    status_code INTEGER,
    error       TEXT,
    duration_ms INTEGER   NOT NULL
);
CREATE INDEX webhook_delivery_tries_delivery_idx ON webhook_delivery_tries (delivery_id, id);

-- Since when every try to the endpoint failed: a day of it disables the endpoint.
ALTER TABLE webhooks ADD COLUMN failing_since TIMESTAMP;
