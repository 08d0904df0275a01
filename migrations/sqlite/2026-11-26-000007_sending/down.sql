DROP INDEX attempts_run_id_idx;
ALTER TABLE attempts DROP COLUMN run_id;
DROP TABLE deliveries;
DROP TABLE runs;
ALTER TABLE clients DROP COLUMN unsubscribed_at;
DROP INDEX mailings_next_run_at_idx;
ALTER TABLE mailings DROP COLUMN next_run_at;
ALTER TABLE mailings DROP COLUMN schedule;
