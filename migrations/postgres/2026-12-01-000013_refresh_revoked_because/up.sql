-- Why a session's refresh token was revoked: a refresh refused after a password change says so,
-- and the person is told that rather than that their session expired.
ALTER TABLE refresh_tokens ADD COLUMN revoked_because TEXT
    CHECK (revoked_because IN ('signed_out', 'password_changed', 'reused', 'blocked'));
