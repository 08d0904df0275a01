-- A paused run keeps its queued deliveries; workers claim none of them until it is resumed.
ALTER TABLE runs ADD COLUMN paused_at TIMESTAMP;
-- Claims skip the paused runs: a handful at most, found without reading every run.
CREATE INDEX runs_paused_idx ON runs (id) WHERE paused_at IS NOT NULL;
