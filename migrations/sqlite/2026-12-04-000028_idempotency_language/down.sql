ALTER TABLE idempotency_keys DROP COLUMN content_language;
