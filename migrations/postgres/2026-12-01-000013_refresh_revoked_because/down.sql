ALTER TABLE refresh_tokens DROP COLUMN revoked_because;
