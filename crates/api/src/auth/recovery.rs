//! Forgotten and changed passwords. Either way every existing session ends.

use chrono::NaiveDateTime;
use mailroom_domain::validation::Validator;
use mailroom_domain::{EmailAddress, Password};

use super::account_mail::{AccountMailKind, queue_for_address};
use super::error::AuthError;
use super::links::{self, Purpose};
use crate::db::queries::{tokens, users};
use crate::db::{DbPool, blocking};

/// Queues a reset link when the address has an account that is not blocked; says nothing either
/// way.
pub async fn request_reset(
    pool: &DbPool,
    email: EmailAddress,
    now: NaiveDateTime,
) -> Result<(), AuthError> {
    queue_for_address(pool, &email, AccountMailKind::ResetPassword, now).await
}

fn parse_new_password(raw: &str) -> Result<Password, AuthError> {
    let mut v = Validator::new();
    let password = v.check("new_password", Password::parse(raw));
    v.finish().map_err(AuthError::Validation)?;
    password.ok_or_else(|| AuthError::Internal("validated password missing".into()))
}

/// Sets the password from a reset link, ends every session and revokes every API token of the
/// account. Following the link also proves the address, so an unconfirmed account becomes active.
/// Returns the account's id.
pub async fn reset(
    pool: &DbPool,
    token: String,
    new_password: &str,
    now: NaiveDateTime,
) -> Result<i64, AuthError> {
    let password = parse_new_password(new_password)?;
    let hash = super::password::hash(password).await?;
    blocking(pool, move |conn| {
        crate::db::write_transaction::<_, AuthError, _>(conn, |conn| {
            let link = links::consume(conn, Purpose::ResetPassword, &token, now)?;
            users::set_password(conn, link.user_id, &hash, now)?;
            tokens::revoke_all_refresh(conn, link.user_id, now)?;
            // A reset follows a lost or stolen password: tokens made with it go too.
            tokens::delete_all_api_tokens(conn, link.user_id)?;
            tokens::use_all_one_time(conn, link.user_id, Purpose::ResetPassword, now)?;
            users::confirm(conn, link.user_id, now)?;
            Ok(link.user_id)
        })
    })
    .await
}

/// Checks the current password, sets the new one and ends every session; the caller starts a new
/// one for the person who made the change.
pub async fn change(
    pool: &DbPool,
    user_id: i64,
    stored_hash: String,
    current: String,
    new_password: &str,
    now: NaiveDateTime,
) -> Result<(), AuthError> {
    let mut v = Validator::new();
    let password = v.check("new_password", Password::parse(new_password));
    if !super::password::verify(current, Some(stored_hash)).await {
        v.add(
            "current_password",
            mailroom_domain::catalogue::Said::new(
                mailroom_domain::catalogue::Msg::NotCurrentPassword,
            ),
        );
    }
    v.finish().map_err(AuthError::Validation)?;
    let password =
        password.ok_or_else(|| AuthError::Internal("validated password missing".into()))?;
    let hash = super::password::hash(password).await?;
    blocking(pool, move |conn| {
        crate::db::write_transaction::<_, AuthError, _>(conn, |conn| {
            users::set_password(conn, user_id, &hash, now)?;
            tokens::revoke_all_refresh(conn, user_id, now)?;
            Ok(())
        })
    })
    .await
}
