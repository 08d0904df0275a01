ALTER TABLE attempts DROP COLUMN run_id;
DROP TABLE deliveries;
DROP TABLE runs;
ALTER TABLE clients DROP COLUMN unsubscribed_at;
ALTER TABLE mailings DROP COLUMN next_run_at;
ALTER TABLE mailings DROP COLUMN schedule;
