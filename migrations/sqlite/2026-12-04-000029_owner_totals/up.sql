-- Each owner's clients and mailings, counted: the first page of an unfiltered list and the
-- statistics read one row instead of counting the owner's rows. Triggers keep it on every write
-- path.
CREATE TABLE owner_totals (
    owner_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    clients  BIGINT NOT NULL DEFAULT 0,
    mailings BIGINT NOT NULL DEFAULT 0
);
INSERT INTO owner_totals (owner_id, clients, mailings)
SELECT u.id,
       (SELECT count(*) FROM clients c WHERE c.owner_id = u.id),
       (SELECT count(*) FROM mailings m WHERE m.owner_id = u.id)
FROM users u;

CREATE TRIGGER clients_owner_counted AFTER INSERT ON clients
BEGIN
    INSERT INTO owner_totals (owner_id, clients) VALUES (NEW.owner_id, 1)
    ON CONFLICT (owner_id) DO UPDATE SET clients = clients + 1;
END;
CREATE TRIGGER clients_owner_uncounted AFTER DELETE ON clients
BEGIN
    UPDATE owner_totals SET clients = clients - 1 WHERE owner_id = OLD.owner_id;
END;
CREATE TRIGGER mailings_owner_counted AFTER INSERT ON mailings
BEGIN
    INSERT INTO owner_totals (owner_id, mailings) VALUES (NEW.owner_id, 1)
    ON CONFLICT (owner_id) DO UPDATE SET mailings = mailings + 1;
END;
CREATE TRIGGER mailings_owner_uncounted AFTER DELETE ON mailings
BEGIN
    UPDATE owner_totals SET mailings = mailings - 1 WHERE owner_id = OLD.owner_id;
END;
