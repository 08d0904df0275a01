DROP TABLE api_tokens;
DROP TABLE refresh_tokens;
DROP TABLE one_time_tokens;
ALTER TABLE users DROP COLUMN session_version;
