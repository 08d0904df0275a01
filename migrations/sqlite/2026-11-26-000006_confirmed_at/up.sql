-- When the address was proven (the confirmation link, a password reset link, or an operator
-- creating the account). Unblocking returns an account to what it was: active only if confirmed.
ALTER TABLE users ADD COLUMN confirmed_at TIMESTAMP;
UPDATE users SET confirmed_at = updated_at WHERE state <> 'unconfirmed';
