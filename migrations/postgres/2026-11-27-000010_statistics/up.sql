-- Statistics kept with the writes, so that no figure the home page or a dashboard shows needs a
-- scan of attempts (millions of rows) or clients:
-- - mailing_daily_stats: attempts per mailing and UTC day, by outcome (charts, per-mailing,
--   per-user and per-manager figures all sum these few rows);
-- - clients.in_mailings: how many mailings a client is in; a client in at least one is a recipient;
-- - recipient_addresses: each recipient address (lower case, any owner) with how many such
--   clients have it, and statistics_totals: the number of mailings and of those addresses.
-- Triggers keep them, so every write path (API, CSV import, sending, deletes by cascade) does.
-- They run once per statement over its transition table: a mailing of 100,000 clients is one
-- grouped update, not 100,000 trigger calls.

CREATE TABLE mailing_daily_stats (
    mailing_id BIGINT NOT NULL REFERENCES mailings (id) ON DELETE CASCADE,
    day        DATE   NOT NULL,
    succeeded  BIGINT NOT NULL DEFAULT 0,
    failed     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (mailing_id, day)
);
INSERT INTO mailing_daily_stats (mailing_id, day, succeeded, failed)
SELECT a.mailing_id, a.attempted_at::date,
       count(*) FILTER (WHERE a.status = 'success'), count(*) FILTER (WHERE a.status <> 'success')
FROM attempts a JOIN mailings m ON m.id = a.mailing_id
GROUP BY 1, 2;

CREATE FUNCTION count_added_attempts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO mailing_daily_stats AS s (mailing_id, day, succeeded, failed)
    SELECT mailing_id, attempted_at::date,
           count(*) FILTER (WHERE status = 'success'), count(*) FILTER (WHERE status <> 'success')
    FROM added GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (mailing_id, day) DO UPDATE
    SET succeeded = s.succeeded + excluded.succeeded, failed = s.failed + excluded.failed;
    RETURN NULL;
END
$$;
CREATE TRIGGER attempts_count AFTER INSERT ON attempts
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION count_added_attempts();
-- Counts come from mailing_daily_stats now; lists read attempts by mailing and time. One index
-- less for every attempt the sender writes.
DROP INDEX attempts_mailing_status_idx;

ALTER TABLE clients ADD COLUMN in_mailings BIGINT NOT NULL DEFAULT 0;
UPDATE clients c SET in_mailings = m.n
FROM (SELECT client_id, count(*) AS n FROM mailing_clients GROUP BY client_id) m
WHERE c.id = m.client_id;

CREATE TABLE recipient_addresses (
    email_lower TEXT   PRIMARY KEY,
    clients     BIGINT NOT NULL
);
INSERT INTO recipient_addresses (email_lower, clients)
SELECT email_lower, count(*) FROM clients WHERE in_mailings > 0 GROUP BY email_lower;

CREATE TABLE statistics_totals (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    mailings   BIGINT NOT NULL,
    recipients BIGINT NOT NULL
);
INSERT INTO statistics_totals (id, mailings, recipients)
VALUES (1, (SELECT count(*) FROM mailings), (SELECT count(*) FROM recipient_addresses));

CREATE FUNCTION count_mailings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE statistics_totals SET mailings = mailings + (SELECT count(*) FROM added);
    ELSE
        UPDATE statistics_totals SET mailings = mailings - (SELECT count(*) FROM removed);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER mailings_counted AFTER INSERT ON mailings
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION count_mailings();
CREATE TRIGGER mailings_uncounted AFTER DELETE ON mailings
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION count_mailings();

-- Clients are locked in id order first: two mailings sharing clients, created at once, would
-- otherwise deadlock on them.
CREATE FUNCTION count_memberships() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM 1 FROM clients WHERE id IN (SELECT client_id FROM added) ORDER BY id FOR UPDATE;
        UPDATE clients c SET in_mailings = c.in_mailings + a.n
        FROM (SELECT client_id, count(*) AS n FROM added GROUP BY client_id) a
        WHERE c.id = a.client_id;
    ELSE
        -- Rows deleted by a client's own deletion find no client here: that deletion counts.
        PERFORM 1 FROM clients WHERE id IN (SELECT client_id FROM removed) ORDER BY id FOR UPDATE;
        UPDATE clients c SET in_mailings = c.in_mailings - r.n
        FROM (SELECT client_id, count(*) AS n FROM removed GROUP BY client_id) r
        WHERE c.id = r.client_id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER mailing_clients_added AFTER INSERT ON mailing_clients
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION count_memberships();
CREATE TRIGGER mailing_clients_removed AFTER DELETE ON mailing_clients
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION count_memberships();

-- A client counts towards its address while it is in a mailing. Each statement on clients nets
-- its rows into a change per address (most updates net to nothing); apply_recipient_changes moves
-- those counts, and the total by the addresses that appeared or went.
CREATE FUNCTION apply_recipient_changes(addresses TEXT[], changes BIGINT[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    moved BIGINT;
BEGIN
    WITH upserted AS (
        INSERT INTO recipient_addresses AS r (email_lower, clients)
        SELECT a, n FROM unnest(addresses, changes) AS d(a, n) ORDER BY a
        ON CONFLICT (email_lower) DO UPDATE SET clients = r.clients + excluded.clients
        RETURNING r.clients, (r.xmax = 0) AS fresh
    )
    SELECT count(*) FILTER (WHERE fresh AND clients > 0)
           - count(*) FILTER (WHERE NOT fresh AND clients <= 0)
    INTO moved FROM upserted;
    DELETE FROM recipient_addresses WHERE clients <= 0;
    IF moved <> 0 THEN
        UPDATE statistics_totals SET recipients = recipients + moved;
    END IF;
END
$$;
CREATE FUNCTION count_recipients() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        PERFORM apply_recipient_changes(array_agg(email_lower), array_agg(n))
        FROM (SELECT email_lower, sum(n)::bigint AS n
              FROM (SELECT email_lower, -1 AS n FROM before WHERE in_mailings > 0
                    UNION ALL
                    SELECT email_lower, 1 AS n FROM after WHERE in_mailings > 0) d
              GROUP BY email_lower HAVING sum(n) <> 0) delta
        HAVING count(*) > 0;
    ELSE
        PERFORM apply_recipient_changes(array_agg(email_lower), array_agg(n))
        FROM (SELECT email_lower, -count(*) AS n FROM before WHERE in_mailings > 0
              GROUP BY email_lower) delta
        HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END
$$;
-- Addresses whose count reached zero, for the delete above (empty between statements).
CREATE INDEX recipient_addresses_gone_idx ON recipient_addresses (email_lower) WHERE clients <= 0;
CREATE TRIGGER clients_recipients_changed AFTER UPDATE ON clients
    REFERENCING OLD TABLE AS before NEW TABLE AS after
    FOR EACH STATEMENT EXECUTE FUNCTION count_recipients();
CREATE TRIGGER clients_recipients_deleted AFTER DELETE ON clients
    REFERENCING OLD TABLE AS before
    FOR EACH STATEMENT EXECUTE FUNCTION count_recipients();
