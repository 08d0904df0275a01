-- Names and subjects go into mail headers, which are one line: from now on the application folds
-- line breaks and tabs into spaces when they are written (a CSV import could store them before).
-- The same for what is stored already, including deliveries still waiting to be sent. (SQLite has
-- no regular expressions: a CR LF pair becomes one space, any other break or tab one space each.)
UPDATE clients
SET full_name = trim(replace(replace(replace(replace(replace(replace(replace(full_name, char(13) || char(10), ' '), char(13), ' '), char(10), ' '), char(9), ' '), char(133), ' '), char(8232), ' '), char(8233), ' '))
WHERE (instr(full_name, char(13)) > 0 OR instr(full_name, char(10)) > 0 OR instr(full_name, char(9)) > 0 OR instr(full_name, char(133)) > 0 OR instr(full_name, char(8232)) > 0 OR instr(full_name, char(8233)) > 0);
UPDATE users
SET full_name = trim(replace(replace(replace(replace(replace(replace(replace(full_name, char(13) || char(10), ' '), char(13), ' '), char(10), ' '), char(9), ' '), char(133), ' '), char(8232), ' '), char(8233), ' '))
WHERE (instr(full_name, char(13)) > 0 OR instr(full_name, char(10)) > 0 OR instr(full_name, char(9)) > 0 OR instr(full_name, char(133)) > 0 OR instr(full_name, char(8232)) > 0 OR instr(full_name, char(8233)) > 0);
UPDATE messages
SET subject = trim(replace(replace(replace(replace(replace(replace(replace(subject, char(13) || char(10), ' '), char(13), ' '), char(10), ' '), char(9), ' '), char(133), ' '), char(8232), ' '), char(8233), ' '))
WHERE (instr(subject, char(13)) > 0 OR instr(subject, char(10)) > 0 OR instr(subject, char(9)) > 0 OR instr(subject, char(133)) > 0 OR instr(subject, char(8232)) > 0 OR instr(subject, char(8233)) > 0);
UPDATE api_tokens
SET name = trim(replace(replace(replace(replace(replace(replace(replace(name, char(13) || char(10), ' '), char(13), ' '), char(10), ' '), char(9), ' '), char(133), ' '), char(8232), ' '), char(8233), ' '))
WHERE (instr(name, char(13)) > 0 OR instr(name, char(10)) > 0 OR instr(name, char(9)) > 0 OR instr(name, char(133)) > 0 OR instr(name, char(8232)) > 0 OR instr(name, char(8233)) > 0);
UPDATE deliveries
SET full_name = trim(replace(replace(replace(replace(replace(replace(replace(full_name, char(13) || char(10), ' '), char(13), ' '), char(10), ' '), char(9), ' '), char(133), ' '), char(8232), ' '), char(8233), ' '))
WHERE state = 'pending' AND (instr(full_name, char(13)) > 0 OR instr(full_name, char(10)) > 0 OR instr(full_name, char(9)) > 0 OR instr(full_name, char(133)) > 0 OR instr(full_name, char(8232)) > 0 OR instr(full_name, char(8233)) > 0);
