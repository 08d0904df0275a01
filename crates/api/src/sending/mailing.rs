//! A mailing as everything that starts, queues or controls its runs reads it: locked in the
//! order every writer takes, and asked whether it may send now.

use chrono::NaiveDateTime;
use mailroom_domain::UserState;
use mailroom_domain::delivery::{SendRefusal, may_send};

use crate::db::queries::{mailings, tags, users};
use crate::db::rows::MailingRow;
use crate::db::{DbConnection, DbError};

/// Why `mailing` may not send at `now`, if it may not.
pub fn refusal(
    conn: &mut DbConnection,
    mailing: &MailingRow,
    now: NaiveDateTime,
) -> Result<Option<SendRefusal>, DbError> {
    let owner_blocked =
        users::find(conn, mailing.owner_id)?.is_some_and(|u| u.state == UserState::Blocked);
    Ok(may_send(now, mailing.ends_at, mailing.disabled, owner_blocked).err())
}

/// The mailing, locked after its owner's clients and tags (the order every writer of both
/// takes), or none when there is no such mailing.
pub fn lock(conn: &mut DbConnection, id: i64) -> Result<Option<MailingRow>, DbError> {
    let Some(owner) = mailings::find(conn, id)?.map(|m| m.owner_id) else {
        return Ok(None);
    };
    tags::lock_owner(conn, owner)?;
    Ok(mailings::find_for_update(conn, id)?)
}
