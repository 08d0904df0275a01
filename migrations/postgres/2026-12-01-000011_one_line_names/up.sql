-- Names and subjects go into mail headers, which are one line: from now on the application folds
-- line breaks and tabs into spaces when they are written (a CSV import could store them before).
-- The same for what is stored already, including deliveries still waiting to be sent.
UPDATE clients SET full_name = btrim(regexp_replace(full_name, '\s*[\r\n\t\u0085\u2028\u2029]+\s*', ' ', 'g'))
WHERE full_name ~ '[\r\n\t\u0085\u2028\u2029]';
UPDATE users SET full_name = btrim(regexp_replace(full_name, '\s*[\r\n\t\u0085\u2028\u2029]+\s*', ' ', 'g'))
WHERE full_name ~ '[\r\n\t\u0085\u2028\u2029]';
UPDATE messages SET subject = btrim(regexp_replace(subject, '\s*[\r\n\t\u0085\u2028\u2029]+\s*', ' ', 'g'))
WHERE subject ~ '[\r\n\t\u0085\u2028\u2029]';
UPDATE api_tokens SET name = btrim(regexp_replace(name, '\s*[\r\n\t\u0085\u2028\u2029]+\s*', ' ', 'g'))
WHERE name ~ '[\r\n\t\u0085\u2028\u2029]';
UPDATE deliveries SET full_name = btrim(regexp_replace(full_name, '\s*[\r\n\t\u0085\u2028\u2029]+\s*', ' ', 'g'))
WHERE state = 'pending' AND full_name ~ '[\r\n\t\u0085\u2028\u2029]';
