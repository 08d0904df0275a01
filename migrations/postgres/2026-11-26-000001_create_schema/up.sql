-- Mailroom's data model. Timestamps are TIMESTAMP holding UTC (every connection runs in UTC).
-- Enumerations are TEXT with CHECK constraints: readable in psql, identical on SQLite.

CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    email         TEXT      NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    password_hash TEXT      NOT NULL,
    full_name     TEXT      NOT NULL DEFAULT '',
    role          TEXT      NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'manager')),
    state         TEXT      NOT NULL DEFAULT 'unconfirmed'
                            CHECK (state IN ('unconfirmed', 'active', 'blocked')),
    created_at    TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    updated_at    TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
);
-- One account per address, whatever its case; also serves sign-in and the managers' search.
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));
CREATE INDEX users_created_at_idx ON users (created_at, id);

CREATE TABLE clients (
    id         BIGSERIAL PRIMARY KEY,
    owner_id   BIGINT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email      TEXT      NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    full_name  TEXT      NOT NULL DEFAULT '',
    comment    TEXT      NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    updated_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
);
-- An owner keeps an address once; two owners may both keep it.
CREATE UNIQUE INDEX clients_owner_email_lower_key ON clients (owner_id, lower(email));
-- The sorts a client list offers, scoped by owner (a manager's unscoped lists use the id order).
CREATE INDEX clients_owner_created_at_idx ON clients (owner_id, created_at, id);
CREATE INDEX clients_owner_full_name_idx ON clients (owner_id, full_name, id);
CREATE INDEX clients_created_at_idx ON clients (created_at, id);

CREATE TABLE messages (
    id         BIGSERIAL PRIMARY KEY,
    owner_id   BIGINT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    subject    TEXT      NOT NULL,
    body       TEXT      NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    updated_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
);
CREATE INDEX messages_owner_created_at_idx ON messages (owner_id, created_at, id);
CREATE INDEX messages_owner_subject_idx ON messages (owner_id, subject, id);

CREATE TABLE mailings (
    id         BIGSERIAL PRIMARY KEY,
    owner_id   BIGINT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- A message in use cannot be deleted: the API answers 409 naming the mailings.
    message_id BIGINT    NOT NULL REFERENCES messages (id) ON DELETE RESTRICT,
    starts_at  TIMESTAMP NOT NULL,
    ends_at    TIMESTAMP NOT NULL,
    status     TEXT      NOT NULL DEFAULT 'created'
                         CHECK (status IN ('created', 'running', 'completed')),
    disabled   BOOLEAN   NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    updated_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    CONSTRAINT mailings_ends_after_start CHECK (ends_at > starts_at)
);
CREATE INDEX mailings_owner_created_at_idx ON mailings (owner_id, created_at, id);
CREATE INDEX mailings_owner_starts_at_idx ON mailings (owner_id, starts_at, id);
CREATE INDEX mailings_created_at_idx ON mailings (created_at, id);
CREATE INDEX mailings_message_id_idx ON mailings (message_id);
-- The home page counts running mailings; the scheduler looks for what is due.
CREATE INDEX mailings_status_idx ON mailings (status);
CREATE INDEX mailings_due_idx ON mailings (starts_at, ends_at) WHERE NOT disabled;

CREATE TABLE mailing_clients (
    mailing_id BIGINT NOT NULL REFERENCES mailings (id) ON DELETE CASCADE,
    -- Deleting a client takes it off its mailings; its past attempts stay (see attempts).
    client_id  BIGINT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    PRIMARY KEY (mailing_id, client_id)
);
CREATE INDEX mailing_clients_client_id_idx ON mailing_clients (client_id);

CREATE TABLE attempts (
    id              BIGSERIAL PRIMARY KEY,
    mailing_id      BIGINT    NOT NULL REFERENCES mailings (id) ON DELETE CASCADE,
    -- NULL once the client is deleted: the record of what was sent to whom is kept.
    client_id       BIGINT    REFERENCES clients (id) ON DELETE SET NULL,
    client_email    TEXT      NOT NULL,
    attempted_at    TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    status          TEXT      NOT NULL CHECK (status IN ('success', 'failure')),
    server_response TEXT      NOT NULL DEFAULT ''
);
CREATE INDEX attempts_mailing_attempted_at_idx ON attempts (mailing_id, attempted_at, id);
CREATE INDEX attempts_mailing_status_idx ON attempts (mailing_id, status);
CREATE INDEX attempts_attempted_at_idx ON attempts (attempted_at, id);
CREATE INDEX attempts_client_id_idx ON attempts (client_id);
