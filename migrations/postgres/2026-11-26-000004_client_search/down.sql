DROP INDEX clients_search_trgm_idx;
