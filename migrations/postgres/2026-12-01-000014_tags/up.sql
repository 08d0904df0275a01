-- Tags: the names an owner groups clients by. `name_key` is the name as compared (lower case,
-- computed by the application so that both backends fold case alike): one tag per owner and key,
-- written as it was first written. Renaming a tag is one update here, deleting it one delete.
CREATE TABLE tags (
    id         BIGSERIAL PRIMARY KEY,
    owner_id   BIGINT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT      NOT NULL CHECK (char_length(name) BETWEEN 1 AND 50),
    name_key   TEXT      NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX tags_owner_key ON tags (owner_id, name_key);

-- Which client carries which tag. Keyed by tag first: segments and bulk changes ask "who has this
-- tag"; a client's own tags come from the second index.
CREATE TABLE client_tags (
    tag_id    BIGINT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    client_id BIGINT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    PRIMARY KEY (tag_id, client_id)
);
CREATE INDEX client_tags_client_idx ON client_tags (client_id, tag_id);
