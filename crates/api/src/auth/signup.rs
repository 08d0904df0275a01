//! Registration and address confirmation.
//!
//! Registering an address that already has an account answers exactly like a new registration and
//! mails that address instead, so the API never tells whether an address is registered.

use chrono::NaiveDateTime;
use mailroom_domain::validation::Validator;
use mailroom_domain::wire::RegisterRequest;
use mailroom_domain::{EmailAddress, Password, Role, UserState};

use super::error::AuthError;
use super::links::{self, Purpose};
use crate::db::queries::users;
use crate::db::rows::{NewUser, UserRow};
use crate::db::{DbPool, blocking};
use crate::mail::{Mailer, templates};
use mailroom_domain::PublicBaseUrl;

enum Registered {
    New { token: String },
    Existing { full_name: String },
}

pub async fn register(
    pool: &DbPool,
    mailer: &Mailer,
    base_url: &PublicBaseUrl,
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
    let outcome = blocking(pool, move |conn| {
        crate::db::write_transaction::<_, AuthError, _>(conn, |conn| {
            if let Some(existing) = users::find_by_email(conn, &address.normalized())? {
                return Ok(Registered::Existing {
                    full_name: existing.full_name,
                });
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
                // Registered at the same moment by another request: answer as for an existing one.
                Err(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                )) => {
                    return Ok(Registered::Existing {
                        full_name: String::new(),
                    });
                }
                Err(e) => return Err(e.into()),
            };
            let token = links::create(conn, user.id, Purpose::ConfirmEmail, now)?;
            Ok(Registered::New { token })
        })
    })
    .await?;

    let email_message = match outcome {
        Registered::New { token } => templates::confirm_address(
            &request.full_name,
            &links::url(base_url, Purpose::ConfirmEmail, &token),
        ),
        Registered::Existing { full_name } => templates::already_registered(
            &full_name,
            &base_url.join("/login"),
            &base_url.join("/forgot-password"),
        ),
    };
    mailer.send_in_background(email, email_message);
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

/// Sends a new confirmation link when the address belongs to an unconfirmed account; says nothing
/// either way.
pub async fn resend(
    pool: &DbPool,
    mailer: &Mailer,
    base_url: &PublicBaseUrl,
    email: EmailAddress,
    now: NaiveDateTime,
) -> Result<(), AuthError> {
    let unconfirmed = |user: &UserRow| user.state == UserState::Unconfirmed;
    let found = links::issue_for_address(
        pool,
        base_url,
        &email,
        Purpose::ConfirmEmail,
        unconfirmed,
        now,
    )
    .await?;
    if let Some((full_name, link)) = found {
        mailer.send_in_background(email, templates::confirm_address(&full_name, &link));
    }
    Ok(())
}
