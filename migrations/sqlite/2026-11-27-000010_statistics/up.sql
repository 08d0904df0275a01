-- Statistics kept with the writes, so no figure needs a scan of attempts or clients (see the
-- PostgreSQL migration for the design). SQLite's triggers run per row, which is cheap in-process.

-- Attempts per mailing and UTC day, by outcome.
CREATE TABLE mailing_daily_stats (
    mailing_id BIGINT  NOT NULL REFERENCES mailings (id) ON DELETE CASCADE,
    day        DATE    NOT NULL,
    succeeded  BIGINT  NOT NULL DEFAULT 0,
    failed     BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (mailing_id, day)
) WITHOUT ROWID;
INSERT INTO mailing_daily_stats (mailing_id, day, succeeded, failed)
SELECT a.mailing_id, date(a.attempted_at),
       sum(a.status = 'success'), sum(a.status <> 'success')
FROM attempts a JOIN mailings m ON m.id = a.mailing_id
GROUP BY a.mailing_id, date(a.attempted_at);

CREATE TRIGGER attempts_count AFTER INSERT ON attempts
BEGIN
    INSERT INTO mailing_daily_stats (mailing_id, day, succeeded, failed)
    VALUES (NEW.mailing_id, date(NEW.attempted_at),
            NEW.status = 'success', NEW.status <> 'success')
    ON CONFLICT (mailing_id, day) DO UPDATE
    SET succeeded = succeeded + excluded.succeeded, failed = failed + excluded.failed;
END;
-- Counts come from mailing_daily_stats now; lists filter by mailing and time.
DROP INDEX attempts_mailing_status_idx;

-- How many mailings each client is in: a client counts as a recipient while it is in one.
ALTER TABLE clients ADD COLUMN in_mailings BIGINT NOT NULL DEFAULT 0;
UPDATE clients SET in_mailings = (
    SELECT count(*) FROM mailing_clients mc WHERE mc.client_id = clients.id);

-- Recipient addresses (any case, any owner) and how many clients in a mailing have each.
CREATE TABLE recipient_addresses (
    email_lower TEXT   NOT NULL PRIMARY KEY,
    clients     BIGINT NOT NULL
) WITHOUT ROWID;
INSERT INTO recipient_addresses (email_lower, clients)
SELECT email_lower, count(*) FROM clients WHERE in_mailings > 0 GROUP BY email_lower;

-- The home page's totals, one row.
CREATE TABLE statistics_totals (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    mailings   BIGINT NOT NULL,
    recipients BIGINT NOT NULL
);
INSERT INTO statistics_totals (id, mailings, recipients)
VALUES (1, (SELECT count(*) FROM mailings), (SELECT count(*) FROM recipient_addresses));

CREATE TRIGGER mailings_counted AFTER INSERT ON mailings
BEGIN
    UPDATE statistics_totals SET mailings = mailings + 1;
END;
CREATE TRIGGER mailings_uncounted AFTER DELETE ON mailings
BEGIN
    UPDATE statistics_totals SET mailings = mailings - 1;
END;

CREATE TRIGGER mailing_clients_added AFTER INSERT ON mailing_clients
BEGIN
    UPDATE clients SET in_mailings = in_mailings + 1 WHERE id = NEW.client_id;
END;
CREATE TRIGGER mailing_clients_removed AFTER DELETE ON mailing_clients
BEGIN
    UPDATE clients SET in_mailings = in_mailings - 1 WHERE id = OLD.client_id;
END;

-- A client leaves its address's count when it leaves its last mailing, changes address, or goes.
CREATE TRIGGER clients_leave_recipients AFTER UPDATE OF email, in_mailings ON clients
WHEN OLD.in_mailings > 0 AND (NEW.in_mailings = 0 OR OLD.email_lower <> NEW.email_lower)
BEGIN
    UPDATE recipient_addresses SET clients = clients - 1 WHERE email_lower = OLD.email_lower;
    UPDATE statistics_totals SET recipients = recipients - 1
    WHERE (SELECT clients FROM recipient_addresses WHERE email_lower = OLD.email_lower) = 0;
    DELETE FROM recipient_addresses WHERE email_lower = OLD.email_lower AND clients = 0;
END;
CREATE TRIGGER clients_deleted_leave_recipients AFTER DELETE ON clients
WHEN OLD.in_mailings > 0
BEGIN
    UPDATE recipient_addresses SET clients = clients - 1 WHERE email_lower = OLD.email_lower;
    UPDATE statistics_totals SET recipients = recipients - 1
    WHERE (SELECT clients FROM recipient_addresses WHERE email_lower = OLD.email_lower) = 0;
    DELETE FROM recipient_addresses WHERE email_lower = OLD.email_lower AND clients = 0;
END;
-- ... and joins it when it joins its first mailing or changes address while in one.
CREATE TRIGGER clients_join_recipients AFTER UPDATE OF email, in_mailings ON clients
WHEN NEW.in_mailings > 0 AND (OLD.in_mailings = 0 OR OLD.email_lower <> NEW.email_lower)
BEGIN
    INSERT INTO recipient_addresses (email_lower, clients) VALUES (NEW.email_lower, 1)
    ON CONFLICT (email_lower) DO UPDATE SET clients = clients + 1;
    UPDATE statistics_totals SET recipients = recipients + 1
    WHERE (SELECT clients FROM recipient_addresses WHERE email_lower = NEW.email_lower) = 1;
END;
