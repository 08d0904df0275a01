DROP TRIGGER mailings_owner_uncounted;
DROP TRIGGER mailings_owner_counted;
DROP TRIGGER clients_owner_uncounted;
DROP TRIGGER clients_owner_counted;
DROP TABLE owner_totals;
