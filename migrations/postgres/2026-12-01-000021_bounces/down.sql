DROP TABLE background_jobs;
-- The runs' figures still add up: what was suppressed counts as cancelled.
UPDATE runs SET cancelled = cancelled + suppressed WHERE suppressed > 0;
ALTER TABLE runs DROP COLUMN suppressed;
-- Suppressed deliveries become cancelled ones: the old states know no other "not sent".
UPDATE deliveries SET state = 'cancelled' WHERE state = 'suppressed';
ALTER TABLE deliveries DROP CONSTRAINT deliveries_state_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_state_check
    CHECK (state IN ('pending', 'sent', 'failed', 'cancelled'));
DROP TRIGGER delivery_events_count ON delivery_events;
DROP FUNCTION count_added_events();
ALTER TABLE mailing_daily_stats DROP COLUMN complained;
ALTER TABLE mailing_daily_stats DROP COLUMN bounced;
DROP TABLE delivery_events;
DROP TABLE inbound_mail;
DROP TABLE suppressions;
