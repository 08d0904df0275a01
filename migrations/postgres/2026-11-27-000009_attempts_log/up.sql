-- attempts is the sending log: a worker appends thousands of rows a second, always in one
-- INSERT ... SELECT from the deliveries and runs it is recording. PostgreSQL checks a foreign key
-- row by row, and the three on attempts (mailing, run, client) cost a fifth of the sending
-- benchmark's throughput. So attempts keeps no foreign keys:
-- - the client link goes: the address the mail went to is the record (the delivery keeps the
--   client for as long as it exists);
-- - run_id is a copy of the delivery's run, which runs are never deleted apart from their mailing;
-- - deleting a mailing still deletes its attempts, by the trigger below, in the same statement.
ALTER TABLE attempts DROP CONSTRAINT attempts_mailing_id_fkey;
ALTER TABLE attempts DROP CONSTRAINT attempts_run_id_fkey;
DROP INDEX attempts_run_id_idx;
ALTER TABLE attempts DROP COLUMN client_id;

CREATE FUNCTION delete_attempts_of_deleted_mailings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM attempts WHERE mailing_id IN (SELECT id FROM deleted);
    RETURN NULL;
END
$$;
CREATE TRIGGER mailings_delete_attempts AFTER DELETE ON mailings
    REFERENCING OLD TABLE AS deleted
    FOR EACH STATEMENT EXECUTE FUNCTION delete_attempts_of_deleted_mailings();

-- A claim sets the lease's end apart instead of moving next_attempt_at, which stays the time the
-- delivery is due: an indexed column a claim no longer changes.
ALTER TABLE deliveries ADD COLUMN leased_until TIMESTAMP;
UPDATE deliveries SET leased_until = next_attempt_at WHERE lease IS NOT NULL AND state = 'pending';
-- Only waiting deliveries are looked up by run (cancelling); finished ones leave the index, so
-- recording an outcome adds no entry to it.
DROP INDEX deliveries_run_state_idx;
CREATE INDEX deliveries_run_pending_idx ON deliveries (run_id) WHERE state = 'pending';
