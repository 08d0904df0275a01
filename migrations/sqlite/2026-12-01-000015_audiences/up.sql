-- Who a mailing goes to (see the PostgreSQL migration for the design).
ALTER TABLE mailings ADD COLUMN audience TEXT NOT NULL DEFAULT 'clients'
    CHECK (audience IN ('all', 'segment', 'clients'));

-- SQLite adds a column only with a default, so the empty default stays; the application always
-- writes a name of 1-200 characters.
ALTER TABLE mailings ADD COLUMN name TEXT NOT NULL DEFAULT '' CHECK (length(name) <= 200);
UPDATE mailings SET name = (
    SELECT substr(messages.subject, 1, 200) FROM messages WHERE messages.id = mailings.message_id);

CREATE TABLE mailing_tags (
    mailing_id BIGINT NOT NULL REFERENCES mailings (id) ON DELETE CASCADE,
    rule       TEXT   NOT NULL CHECK (rule IN ('any', 'all', 'exclude')),
    tag_id     BIGINT NOT NULL REFERENCES tags (id),
    PRIMARY KEY (mailing_id, rule, tag_id)
) WITHOUT ROWID;
CREATE INDEX mailing_tags_tag_idx ON mailing_tags (tag_id);
