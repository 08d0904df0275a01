-- How a message's body is written: plain text (every message so far), Markdown or HTML.
ALTER TABLE messages ADD COLUMN format TEXT NOT NULL DEFAULT 'text'
    CHECK (format IN ('text', 'markdown', 'html'));
