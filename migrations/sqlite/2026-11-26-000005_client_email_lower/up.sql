-- The address as it sorts (see the PostgreSQL migration); SQLite can add only a virtual generated
-- column, and indexes it the same.
ALTER TABLE clients ADD COLUMN email_lower TEXT GENERATED ALWAYS AS (lower(email)) VIRTUAL;
CREATE INDEX clients_owner_email_sort_idx ON clients (owner_id, email_lower, id);
CREATE INDEX clients_email_sort_idx ON clients (email_lower, id);
DROP INDEX clients_owner_email_lower_id_idx;
DROP INDEX clients_email_lower_idx;
-- Searching an owner's clients newest first reads only this index: no table row is fetched for the
-- rows that do not match (PostgreSQL uses its trigram index instead).
CREATE INDEX clients_owner_search_idx ON clients (owner_id, created_at, id, email, full_name);
