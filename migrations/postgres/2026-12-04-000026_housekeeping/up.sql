-- Periodic jobs (housekeeping): at most one waiting or running per key, whichever worker writes it;
-- a job given up on leaves the index, so the next one can be written.
ALTER TABLE background_jobs ADD COLUMN unique_key TEXT;
CREATE UNIQUE INDEX background_jobs_unique_key ON background_jobs (unique_key)
    WHERE failed_at IS NULL;

-- What housekeeping deletes by: links and refresh tokens past their life.
CREATE INDEX one_time_tokens_expires_idx ON one_time_tokens (expires_at);
CREATE INDEX refresh_tokens_family_expires_idx ON refresh_tokens (family, expires_at);
