-- Answers to keyed requests (Idempotency-Key), one per user and key, kept for a day: a retry of
-- the same request gets the same answer back without running again.
CREATE TABLE idempotency_keys (
    id           BIGSERIAL PRIMARY KEY,
    user_id      BIGINT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key          TEXT      NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    -- SHA-256 (hex) of the request's method, path and body: a repeat must match it.
    fingerprint  TEXT      NOT NULL,
    -- Which request holds the key while it runs: only it may write the answer.
    lease        BIGINT,
    -- The answer, once there is one (NULL while the first request runs).
    status       INTEGER,
    content_type TEXT,
    location     TEXT,
    body         BYTEA,
    created_at   TIMESTAMP NOT NULL,
    -- While the first request runs: past it, its process is taken for dead.
    locked_until TIMESTAMP
);
CREATE UNIQUE INDEX idempotency_keys_user_key ON idempotency_keys (user_id, key);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
