-- One index per sort the lists offer, for an owner's lists and for managers' lists of everyone.
CREATE INDEX clients_owner_updated_at_idx ON clients (owner_id, updated_at, id);
CREATE INDEX clients_email_lower_idx ON clients (lower(email), id);
CREATE INDEX clients_full_name_idx ON clients (full_name, id);
CREATE INDEX clients_updated_at_idx ON clients (updated_at, id);
CREATE INDEX messages_owner_updated_at_idx ON messages (owner_id, updated_at, id);
CREATE INDEX messages_created_at_idx ON messages (created_at, id);
CREATE INDEX messages_updated_at_idx ON messages (updated_at, id);
CREATE INDEX messages_subject_idx ON messages (subject, id);
CREATE INDEX mailings_owner_ends_at_idx ON mailings (owner_id, ends_at, id);
CREATE INDEX mailings_starts_at_idx ON mailings (starts_at, id);
CREATE INDEX mailings_ends_at_idx ON mailings (ends_at, id);
-- The email sort orders by lower(email) within an owner.
CREATE INDEX clients_owner_email_lower_id_idx ON clients (owner_id, lower(email), id);
