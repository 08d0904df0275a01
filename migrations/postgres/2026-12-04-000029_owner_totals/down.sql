DROP TRIGGER mailings_owner_uncounted ON mailings;
DROP TRIGGER mailings_owner_counted ON mailings;
DROP TRIGGER clients_owner_uncounted ON clients;
DROP TRIGGER clients_owner_counted ON clients;
DROP FUNCTION count_owned();
DROP TABLE owner_totals;
