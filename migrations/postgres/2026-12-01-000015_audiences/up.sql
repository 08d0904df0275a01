-- Who a mailing goes to: every client of its owner, a segment by tags (mailing_tags), or the
-- clients chosen in mailing_clients, the only kind before.
ALTER TABLE mailings ADD COLUMN audience TEXT NOT NULL DEFAULT 'clients'
    CHECK (audience IN ('all', 'segment', 'clients'));

-- What people call a mailing; existing ones are named after their message's subject.
ALTER TABLE mailings ADD COLUMN name TEXT NOT NULL DEFAULT '';
UPDATE mailings SET name = left(messages.subject, 200)
FROM messages WHERE messages.id = mailings.message_id;
ALTER TABLE mailings ALTER COLUMN name DROP DEFAULT;
ALTER TABLE mailings ADD CONSTRAINT mailings_name_length CHECK (char_length(name) BETWEEN 1 AND 200);

-- A segment's conditions. A tag in use cannot be deleted (no cascade): an excluding tag that
-- vanished would widen the audience without anyone deciding it.
CREATE TABLE mailing_tags (
    mailing_id BIGINT NOT NULL REFERENCES mailings (id) ON DELETE CASCADE,
    rule       TEXT   NOT NULL CHECK (rule IN ('any', 'all', 'exclude')),
    tag_id     BIGINT NOT NULL REFERENCES tags (id),
    PRIMARY KEY (mailing_id, rule, tag_id)
);
CREATE INDEX mailing_tags_tag_idx ON mailing_tags (tag_id);
