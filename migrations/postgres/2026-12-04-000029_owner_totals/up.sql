-- Each owner's clients and mailings, counted: the first page of an unfiltered list and the
-- statistics read one row instead of counting the owner's rows, so they cost the same for an
-- owner of a thousand clients and of a million. Triggers keep it, once per statement over its
-- transition table (a CSV import of 500 rows is one update), on every write path.
-- Nothing is inserted or deleted between the count and the triggers (another process may be
-- running the previous version).
LOCK TABLE clients, mailings IN SHARE ROW EXCLUSIVE MODE;
CREATE TABLE owner_totals (
    owner_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    clients  BIGINT NOT NULL DEFAULT 0,
    mailings BIGINT NOT NULL DEFAULT 0
);
INSERT INTO owner_totals (owner_id, clients, mailings)
SELECT u.id,
       (SELECT count(*) FROM clients c WHERE c.owner_id = u.id),
       (SELECT count(*) FROM mailings m WHERE m.owner_id = u.id)
FROM users u;

CREATE FUNCTION count_owned() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Owners in id order: two statements counting for the same owners lock them alike.
    IF TG_TABLE_NAME = 'clients' AND TG_OP = 'INSERT' THEN
        INSERT INTO owner_totals AS t (owner_id, clients)
        SELECT owner_id, count(*) FROM added GROUP BY owner_id ORDER BY owner_id
        ON CONFLICT (owner_id) DO UPDATE SET clients = t.clients + EXCLUDED.clients;
    ELSIF TG_TABLE_NAME = 'clients' THEN
        UPDATE owner_totals t SET clients = t.clients - r.n
        FROM (SELECT owner_id, count(*) AS n FROM removed GROUP BY owner_id) r
        WHERE t.owner_id = r.owner_id;
    ELSIF TG_OP = 'INSERT' THEN
        INSERT INTO owner_totals AS t (owner_id, mailings)
        SELECT owner_id, count(*) FROM added GROUP BY owner_id ORDER BY owner_id
        ON CONFLICT (owner_id) DO UPDATE SET mailings = t.mailings + EXCLUDED.mailings;
    ELSE
        UPDATE owner_totals t SET mailings = t.mailings - r.n
        FROM (SELECT owner_id, count(*) AS n FROM removed GROUP BY owner_id) r
        WHERE t.owner_id = r.owner_id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER clients_owner_counted AFTER INSERT ON clients
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION count_owned();
CREATE TRIGGER clients_owner_uncounted AFTER DELETE ON clients
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION count_owned();
CREATE TRIGGER mailings_owner_counted AFTER INSERT ON mailings
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION count_owned();
CREATE TRIGGER mailings_owner_uncounted AFTER DELETE ON mailings
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION count_owned();
