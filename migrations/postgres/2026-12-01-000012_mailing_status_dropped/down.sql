ALTER TABLE mailings ADD COLUMN status TEXT NOT NULL DEFAULT 'created'
    CHECK (status IN ('created', 'running', 'completed'));
CREATE INDEX mailings_status_idx ON mailings (status);
