DROP INDEX refresh_tokens_family_expires_idx;
DROP INDEX one_time_tokens_expires_idx;
DROP INDEX background_jobs_unique_key;
ALTER TABLE background_jobs DROP COLUMN unique_key;
