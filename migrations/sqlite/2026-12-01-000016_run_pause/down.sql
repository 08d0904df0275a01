DROP INDEX runs_held_idx;
ALTER TABLE runs DROP COLUMN cancelled_at;
ALTER TABLE runs DROP COLUMN paused_at;
