DROP INDEX clients_owner_search_idx;
CREATE INDEX clients_email_lower_idx ON clients (lower(email), id);
CREATE INDEX clients_owner_email_lower_id_idx ON clients (owner_id, lower(email), id);
DROP INDEX clients_email_sort_idx;
DROP INDEX clients_owner_email_sort_idx;
ALTER TABLE clients DROP COLUMN email_lower;
