-- Searching clients matches a substring of the address or the name: a trigram index answers
-- LIKE '%text%' without reading every row. The expression must stay exactly the one
-- db/queries/clients.rs searches.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX clients_search_trgm_idx ON clients
    USING gin (((lower(email) || ' ') || lower(full_name)) gin_trgm_ops);
