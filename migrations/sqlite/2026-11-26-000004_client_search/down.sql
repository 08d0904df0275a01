-- PostgreSQL gets a trigram index for client search here; SQLite has no equivalent, and its
-- scan of one owner's clients stays within the list time budget. Kept so both backends share
-- their migration history.
SELECT 1;
