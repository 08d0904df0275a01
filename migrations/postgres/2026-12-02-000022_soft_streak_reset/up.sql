-- Whether a soft bounce still counts toward its address's streak: set false when the owner takes
-- the address off the suppression list (the mailbox was fixed), so the next streak starts afresh.
ALTER TABLE delivery_events ADD COLUMN in_streak BOOLEAN NOT NULL DEFAULT TRUE;
