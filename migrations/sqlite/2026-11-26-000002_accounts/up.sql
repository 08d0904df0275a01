-- Sessions and the secrets that prove an address or reset a password. Every secret is stored only as
-- its SHA-256 hash: they are 256-bit random values, so a fast hash is enough and a leaked table gives
-- nothing away.

-- Bumped when a password is reset or changed: every access token carrying an older value stops working.
ALTER TABLE users ADD COLUMN session_version BIGINT NOT NULL DEFAULT 0;

-- Single-use links sent by mail.
CREATE TABLE one_time_tokens (
    id         INTEGER PRIMARY KEY,
    user_id    BIGINT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT      NOT NULL CHECK (purpose IN ('confirm_email', 'reset_password')),
    token_hash TEXT      NOT NULL UNIQUE,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP,
    created_at TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now'))
);
CREATE INDEX one_time_tokens_user_purpose_idx ON one_time_tokens (user_id, purpose);

-- Refresh tokens rotate on every use; all tokens descending from one login share a family, so a
-- replayed (already rotated) token revokes the whole family.
CREATE TABLE refresh_tokens (
    id         INTEGER PRIMARY KEY,
    user_id    BIGINT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family     TEXT      NOT NULL,
    token_hash TEXT      NOT NULL UNIQUE,
    expires_at TIMESTAMP NOT NULL,
    rotated_at TIMESTAMP,
    revoked_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now'))
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);

-- Personal API tokens for integrations.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      BIGINT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT      NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    token_hash   TEXT      NOT NULL UNIQUE,
    -- The first characters, shown in lists so people can tell their tokens apart.
    prefix       TEXT      NOT NULL,
    expires_at   TIMESTAMP,
    last_used_at TIMESTAMP,
    created_at   TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now'))
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id, created_at, id);
