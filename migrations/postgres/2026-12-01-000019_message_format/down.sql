ALTER TABLE messages DROP COLUMN format;
