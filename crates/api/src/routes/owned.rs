//! Loading a row someone owns, with the access rule applied: a user's view stops at their own rows
//! (others answer 404), a manager sees every row but changes only their own (others answer 403).

use diesel::QueryResult;
use mailroom_domain::catalogue::{Msg, Said};

use crate::auth::CurrentUser;
use crate::db::queries::mailings;
use crate::db::rows::{ClientRow, MailingRow, MessageRow, SuppressionRow, WebhookRow};
use crate::db::{DbConnection, DbPool, blocking};
use crate::http::api_error::ApiError;

pub trait Owned {
    fn owner_id(&self) -> i64;
}

macro_rules! owned {
    ($($row:ty),+) => {
        $(impl Owned for $row {
            fn owner_id(&self) -> i64 {
                self.owner_id
            }
        })+
    };
}

owned!(
    ClientRow,
    MessageRow,
    MailingRow,
    SuppressionRow,
    WebhookRow
);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    Read,
    Change,
}

/// The row `find` loads, if `current` may `intent` it; `what` names it in errors ("client 7").
pub async fn load<T, F>(
    pool: &DbPool,
    current: &CurrentUser,
    what: Said,
    intent: Intent,
    find: F,
) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConnection) -> QueryResult<Option<T>> + Send + 'static,
    T: Owned + Send + 'static,
{
    let row = blocking(pool, move |conn| Ok::<_, ApiError>(find(conn)?))
        .await?
        .ok_or_else(|| ApiError::missing(what.clone()))?;
    let actor = current.actor();
    let allowed = match intent {
        Intent::Read => actor.may_read(row.owner_id()),
        Intent::Change => actor.may_change(row.owner_id()),
    };
    allowed.map_err(|refusal| ApiError::for_row(refusal, what))?;
    Ok(row)
}

/// The mailing `id`, if `current` may `intent` it (the routes of mailings, runs, attempts and
/// statistics all start here).
pub async fn mailing(
    pool: &DbPool,
    current: &CurrentUser,
    id: i64,
    intent: Intent,
) -> Result<MailingRow, ApiError> {
    load(
        pool,
        current,
        Said::with(Msg::ThingMailing, [id]),
        intent,
        move |conn| mailings::find(conn, id),
    )
    .await
}
