//! The audit trail: who did what to whom, written in the transaction of the action itself, so an
//! action without its entry (or an entry without its action) cannot happen. Entries keep the
//! names as they were; the database refuses to change or delete one.

use chrono::NaiveDateTime;
use mailroom_domain::audit::{AuditAction, TargetKind};
use mailroom_domain::wire::AuditEntry;

use crate::db::DbConnection;
use crate::db::queries::audit;
use crate::db::rows::{AuditRow, NewAuditEntry};

/// What the actor is called when an operator acted on the command line.
pub const COMMAND_LINE: &str = "command line";

/// Who acted.
#[derive(Debug, Clone, Copy)]
pub enum Actor<'a> {
    /// A signed-in account (a manager, or someone signing in).
    Account { id: i64, email: &'a str },
    /// An operator, through `mailroom` on the command line.
    CommandLine,
}

/// What was acted on, with its name at the time.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub kind: TargetKind,
    pub id: i64,
    pub name: &'a str,
}

impl<'a> Target<'a> {
    pub fn user(id: i64, email: &'a str) -> Self {
        Self {
            kind: TargetKind::User,
            id,
            name: email,
        }
    }

    pub fn mailing(id: i64, name: &'a str) -> Self {
        Self {
            kind: TargetKind::Mailing,
            id,
            name,
        }
    }
}

/// The request an action came in (`X-Request-Id`); none on the command line.
pub type RequestId<'a> = Option<&'a str>;

/// Writes one entry, on the caller's connection (in its transaction).
pub fn record(
    conn: &mut DbConnection,
    actor: Actor<'_>,
    action: AuditAction,
    target: Target<'_>,
    detail: &str,
    request_id: RequestId<'_>,
    now: NaiveDateTime,
) -> diesel::QueryResult<()> {
    let (actor_id, actor) = match actor {
        Actor::Account { id, email } => (Some(id), email),
        Actor::CommandLine => (None, COMMAND_LINE),
    };
    audit::insert(
        conn,
        &NewAuditEntry {
            at: now,
            actor_id,
            actor,
            action,
            target_type: target.kind,
            target_id: target.id,
            target: target.name,
            detail,
            request_id,
        },
    )
    .map(|_| ())
}

/// A sign-in from `address`: audited when the account never signed in from it before.
pub fn sign_in(
    conn: &mut DbConnection,
    user_id: i64,
    email: &str,
    address: &str,
    request_id: RequestId<'_>,
    now: NaiveDateTime,
) -> diesel::QueryResult<()> {
    if audit::first_sign_in_from(conn, user_id, address, now)? {
        record(
            conn,
            Actor::Account { id: user_id, email },
            AuditAction::SignInFromNewAddress,
            Target::user(user_id, email),
            address,
            request_id,
            now,
        )?;
    }
    Ok(())
}

pub fn entry_json(row: AuditRow) -> AuditEntry {
    AuditEntry {
        id: row.id,
        at: row.at.and_utc(),
        actor_id: row.actor_id,
        actor: row.actor,
        action: row.action,
        target_type: row.target_type,
        target_id: row.target_id,
        target: row.target,
        detail: row.detail,
        request_id: row.request_id,
    }
}
