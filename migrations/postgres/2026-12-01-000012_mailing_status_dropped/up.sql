-- A mailing's status is computed when it is read (from its end time and whether it was sent);
-- the stored column was never read, and a value nobody keeps up to date only misleads.
DROP INDEX mailings_status_idx;
ALTER TABLE mailings DROP COLUMN status;
