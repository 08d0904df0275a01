-- A kept answer is given back in the language it was written in.
ALTER TABLE idempotency_keys ADD COLUMN content_language TEXT;
