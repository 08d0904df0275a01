-- The address as it sorts, stored: PostgreSQL cannot answer an index-only scan from an expression
-- index, so deep pages sorted by address would read every skipped row from the table.
ALTER TABLE clients ADD COLUMN email_lower TEXT GENERATED ALWAYS AS (lower(email)) STORED;
CREATE INDEX clients_owner_email_sort_idx ON clients (owner_id, email_lower, id);
CREATE INDEX clients_email_sort_idx ON clients (email_lower, id);
DROP INDEX clients_owner_email_lower_id_idx;
DROP INDEX clients_email_lower_idx;
