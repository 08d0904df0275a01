-- A run's figures kept with the writes that change them, so that reading a run (the progress bar
-- polls it) costs one row, not a count over its deliveries. pending = total - sent - failed - cancelled.
ALTER TABLE runs ADD COLUMN sent BIGINT NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN failed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN cancelled BIGINT NOT NULL DEFAULT 0;
UPDATE runs SET
    sent = (SELECT count(*) FROM deliveries d WHERE d.run_id = runs.id AND d.state = 'sent'),
    failed = (SELECT count(*) FROM deliveries d WHERE d.run_id = runs.id AND d.state = 'failed'),
    cancelled = (SELECT count(*) FROM deliveries d WHERE d.run_id = runs.id AND d.state = 'cancelled');
