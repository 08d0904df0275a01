-- Tags: the names an owner groups clients by (see the PostgreSQL migration for the design).
CREATE TABLE tags (
    id         INTEGER   PRIMARY KEY,
    owner_id   BIGINT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT      NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    name_key   TEXT      NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX tags_owner_key ON tags (owner_id, name_key);

CREATE TABLE client_tags (
    tag_id    BIGINT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    client_id BIGINT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    PRIMARY KEY (tag_id, client_id)
) WITHOUT ROWID;
CREATE INDEX client_tags_client_idx ON client_tags (client_id, tag_id);
