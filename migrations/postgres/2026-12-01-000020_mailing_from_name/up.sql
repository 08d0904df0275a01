-- The name a mailing's mail is sent under (From: "<from_name>" <MAIL_FROM's address>); NULL:
-- its owner's full name at the time it is sent.
ALTER TABLE mailings ADD COLUMN from_name TEXT CHECK (char_length(from_name) BETWEEN 1 AND 100);
