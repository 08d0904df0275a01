-- The audit trail (issue 20): manager actions, role changes and managers made on the command line,
-- and sign-ins from a new address. No foreign keys: an entry outlives what it names, and keeps
-- the names as they were (actor, target).
CREATE TABLE audit_log (
    id          BIGSERIAL PRIMARY KEY,
    at          TIMESTAMP NOT NULL,
    -- NULL: done on the command line.
    actor_id    BIGINT,
    actor       TEXT      NOT NULL,
    action      TEXT      NOT NULL CHECK (action IN (
        'user.blocked', 'user.unblocked', 'mailing.disabled', 'mailing.enabled', 'user.promoted',
        'user.demoted', 'manager.created', 'sign_in.new_address')),
    target_type TEXT      NOT NULL CHECK (target_type IN ('user', 'mailing')),
    target_id   BIGINT    NOT NULL,
    target      TEXT      NOT NULL,
    detail      TEXT      NOT NULL DEFAULT '',
    request_id  TEXT
);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, id);
CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id, id);
CREATE INDEX audit_log_action_idx ON audit_log (action, id);

-- The addresses each account has signed in from: a sign-in from one not listed is audited.
CREATE TABLE sign_in_addresses (
    user_id       BIGINT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    address       TEXT      NOT NULL,
    first_seen_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, address)
);

-- Entries are written once: the database itself refuses to change or delete one.
CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit entries cannot be changed or deleted';
END;
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
-- TRUNCATE fires no row trigger: it is refused by one of its own.
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
