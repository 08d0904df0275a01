DROP INDEX runs_paused_idx;
ALTER TABLE runs DROP COLUMN paused_at;
