DROP TABLE mailing_tags;
ALTER TABLE mailings DROP COLUMN name;
ALTER TABLE mailings DROP COLUMN audience;
