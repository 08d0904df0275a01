-- A paused run keeps its queued deliveries; workers claim none of them until it is resumed.
ALTER TABLE runs ADD COLUMN paused_at TIMESTAMP;
-- A cancelled run sends nothing more: what a worker gives back or must retry is cancelled too.
ALTER TABLE runs ADD COLUMN cancelled_at TIMESTAMP;
-- Claims skip the held runs, unfinished and paused or cancelled: a handful, found without
-- reading every run.
CREATE INDEX runs_held_idx ON runs (id)
    WHERE finished_at IS NULL AND (paused_at IS NOT NULL OR cancelled_at IS NOT NULL);
