-- Webhook endpoints (issue 19): where an owner's events are sent, with the secret that signs
-- them (and, for a day after a rotation, the one before it).
CREATE TABLE webhooks (
    id                    BIGSERIAL PRIMARY KEY,
    owner_id              BIGINT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    url                   TEXT      NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
    description           TEXT      NOT NULL DEFAULT '' CHECK (length(description) <= 200),
    secret                TEXT      NOT NULL,
    previous_secret       TEXT,
    previous_secret_until TIMESTAMP,
    enabled               BOOLEAN   NOT NULL DEFAULT TRUE,
    -- Why Mailroom disabled it (a 410, a day of failures); NULL when its owner did.
    disabled_reason       TEXT,
    created_at            TIMESTAMP NOT NULL,
    updated_at            TIMESTAMP NOT NULL
);
CREATE INDEX webhooks_owner_idx ON webhooks (owner_id, created_at, id);
CREATE INDEX webhooks_created_idx ON webhooks (created_at, id);

-- The events each endpoint is sent; looked up by owner and event when one happens.
CREATE TABLE webhook_subscriptions (
    webhook_id BIGINT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_type TEXT   NOT NULL CHECK (event_type IN (
        'attempt.succeeded', 'attempt.failed', 'run.started', 'run.completed',
        'client.unsubscribed', 'mailing.disabled', 'client.suppressed', 'bounce.received',
        'complaint.received')),
    PRIMARY KEY (webhook_id, event_type)
);
CREATE INDEX webhook_subscriptions_event_idx ON webhook_subscriptions (event_type, webhook_id);
