ALTER TABLE mailings DROP COLUMN from_name;
