//! Registration and address confirmation.
//!
//! Registering an address that already has an account answers exactly like a new registration and
//! mails that address instead, so the API never tells whether an address is registered.

use chrono::NaiveDateTime;
use mailroom_domain::validation::Validator;
use mailroom_domain::wire::RegisterRequest;
use mailroom_domain::{EmailAddress, Password, Role, UserState};

use super::account_mail::{AccountMail, AccountMailKind, queue_for_address};
use super::error::AuthError;
use super::links::{self, Purpose};
use crate::db::queries::users;
use crate::db::rows::NewUser;
use crate::db::{DbPool, blocking};

/// Registers an account and queues its confirmation mail (or, for an address with an account,
/// the notice) in the same transaction.
pub async fn register(
    pool: &DbPool,
    request: RegisterRequest,
    now: NaiveDateTime,
) -> Result<(), AuthError> {
    let mut v = Validator::new();
    let email = v.check("email", EmailAddress::parse(&request.email));
    let password = v.check("password", Password::parse(&request.password));
    let full_name = v.check(
        "full_name",
        mailroom_domain::account::full_name(&request.full_name),
    );
    v.finish().map_err(AuthError::Validation)?;
    let (Some(email), Some(password), Some(full_name)) = (email, password, full_name) else {
        return Err(AuthError::Internal("validated fields missing".into()));
    };

    // Hashed in both branches, so an existing address answers no faster than a new one.
    let password_hash = super::password::hash(password).await?;
    let address = email.clone();
    let raced = blocking(pool, move |conn| {
        crate::db::write_transaction::<_, AuthError, _>(conn, |conn| {
            if let Some(existing) = users::find_by_email(conn, &address.normalized())? {
                AccountMail::queue(conn, existing.id, AccountMailKind::AlreadyRegistered, now)?;
                return Ok(false);
            }
            let inserted = users::insert(
                conn,
                &NewUser {
                    email: address.as_ref(),
                    password_hash: &password_hash,
                    full_name: &full_name,
                    role: Role::User,
                    state: UserState::Unconfirmed,
                    created_at: now,
                    updated_at: now,
                },
            );
            let user = match inserted {
                Ok(user) => user,
                // Registered at the same moment by another request: answered as an existing
                // one, once this transaction (which the failed insert may have spoilt) is over.
                Err(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                )) => return Ok(true),
                Err(e) => return Err(e.into()),
            };
            AccountMail::queue(conn, user.id, AccountMailKind::ConfirmAddress, now)?;
            Ok(false)
        })
    })
    .await?;
    if raced {
        queue_for_address(pool, &email, AccountMailKind::AlreadyRegistered, now).await?;
    }
    Ok(())
}

/// Activates the account the confirmation link belongs to, and returns its id. A blocked account
/// stays blocked.
pub async fn confirm(pool: &DbPool, token: String, now: NaiveDateTime) -> Result<i64, AuthError> {
    blocking(pool, move |conn| {
        crate::db::write_transaction::<_, AuthError, _>(conn, |conn| {
            let link = links::consume(conn, Purpose::ConfirmEmail, &token, now)?;
            users::confirm(conn, link.user_id, now)?;
            Ok(link.user_id)
        })
    })
    .await
}

/// Queues a new confirmation link when the address belongs to an unconfirmed account; says
/// nothing either way.
pub async fn resend(
    pool: &DbPool,
    email: EmailAddress,
    now: NaiveDateTime,
) -> Result<(), AuthError> {
    queue_for_address(pool, &email, AccountMailKind::ConfirmAddress, now).await
}
