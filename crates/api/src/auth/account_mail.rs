//! The mail Mailroom sends about accounts (confirming an address, resetting a password, the notice
//! to an address that is already registered) goes out as a background job, written in the same
//! transaction as what asks for it: a sign-up while the SMTP server is down gets its mail once the
//! server is back, and a crash between the answer and the send loses nothing. Failed tries wait as
//! mailings' do (`SEND_RETRY_BASE_SECS`, doubling up to `SEND_RETRY_MAX_SECS`).
//!
//! A link is made when its mail is sent, not when it was asked for: its hours count from the
//! moment it can be read, and the job's payload holds no secret.

use std::sync::Arc;

use chrono::NaiveDateTime;
use mailroom_domain::{EmailAddress, PublicBaseUrl, UserState};
use serde::{Deserialize, Serialize};

use super::error::AuthError;
use super::links::{self, Purpose};
use crate::clock::Clock;
use crate::db::queries::users;
use crate::db::rows::UserRow;
use crate::db::{DbConnection, DbError, DbPool, blocking, write_transaction};
use crate::jobs::BackgroundJob;
use crate::mail::{Email, MailError, Mailer, templates};

/// Which mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountMailKind {
    /// A link that confirms the address, while the account is unconfirmed.
    ConfirmAddress,
    /// Someone tried to register an address that has an account.
    AlreadyRegistered,
    /// A link that sets a new password, unless the account is blocked.
    ResetPassword,
}

/// The job: one mail of `kind` to the account `user`, at its address when it is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountMail {
    pub user: i64,
    pub kind: AccountMailKind,
}

/// What sending account mail needs.
#[derive(Clone)]
pub struct AccountMailContext {
    pub pool: DbPool,
    pub mailer: Mailer,
    pub base_url: PublicBaseUrl,
    pub clock: Arc<dyn Clock>,
}

impl AccountMailKind {
    /// Whether the account still wants this mail: one confirmed meanwhile needs no link.
    fn applies_to(self, user: &UserRow) -> bool {
        match self {
            AccountMailKind::ConfirmAddress => user.state == UserState::Unconfirmed,
            AccountMailKind::AlreadyRegistered => true,
            AccountMailKind::ResetPassword => user.state != UserState::Blocked,
        }
    }
}

impl AccountMail {
    /// Writes the job on the caller's connection, in its transaction.
    pub fn queue(
        conn: &mut DbConnection,
        user: i64,
        kind: AccountMailKind,
        now: NaiveDateTime,
    ) -> Result<(), DbError> {
        AccountMail { user, kind }.enqueue(conn, now).map(|_| ())
    }

    /// The address and the mail, making its link; `None` when the mail no longer applies.
    fn compose(
        self,
        conn: &mut DbConnection,
        base_url: &PublicBaseUrl,
        now: NaiveDateTime,
    ) -> Result<Option<(EmailAddress, Email)>, AuthError> {
        let Some(user) = users::find(conn, self.user)? else {
            return Ok(None);
        };
        if !self.kind.applies_to(&user) {
            return Ok(None);
        }
        let mut link = |purpose| {
            links::create(conn, user.id, purpose, now)
                .map(|token| links::url(base_url, purpose, &token))
        };
        let email = match self.kind {
            AccountMailKind::ConfirmAddress => {
                templates::confirm_address(&user.full_name, &link(Purpose::ConfirmEmail)?)
            }
            AccountMailKind::ResetPassword => {
                templates::password_reset(&user.full_name, &link(Purpose::ResetPassword)?)
            }
            AccountMailKind::AlreadyRegistered => templates::already_registered(
                &user.full_name,
                &base_url.join("/login"),
                &base_url.join("/forgot-password"),
            ),
        };
        Ok(Some((EmailAddress::stored(user.email), email)))
    }
}

impl BackgroundJob for AccountMail {
    const JOB_TYPE: &'static str = "account_mail";
    /// Before webhooks: a person is waiting for this one.
    const PRIORITY: i32 = 5;
    type Context = AccountMailContext;

    async fn run(self, context: AccountMailContext) -> Result<(), String> {
        let now = context.clock.now();
        let base_url = context.base_url.clone();
        let composed = blocking(&context.pool, move |conn| {
            write_transaction::<_, AuthError, _>(conn, |conn| self.compose(conn, &base_url, now))
        })
        .await
        .map_err(|e| e.to_string())?;
        let Some((to, email)) = composed else {
            return Ok(());
        };
        match context.mailer.send(&to, &email).await {
            Ok(()) => Ok(()),
            // Refused for good (no such mailbox, say): done, as trying again would change nothing.
            Err(MailError::Refused(reply)) => {
                tracing::warn!(%to, kind = ?self.kind, %reply, "account mail refused by the server");
                Ok(())
            }
            Err(e) => Err(format!("{:?} mail to {to} not sent: {e}", self.kind)),
        }
    }
}

/// Queues `kind` for the account with this address when it exists and wants it; does nothing
/// otherwise, so that callers answer the same either way.
pub async fn queue_for_address(
    pool: &DbPool,
    email: &EmailAddress,
    kind: AccountMailKind,
    now: NaiveDateTime,
) -> Result<(), AuthError> {
    let normalized = email.normalized();
    blocking(pool, move |conn| {
        write_transaction::<_, AuthError, _>(conn, |conn| {
            if let Some(user) = users::find_by_email(conn, &normalized)?
                && kind.applies_to(&user)
            {
                AccountMail::queue(conn, user.id, kind, now)?;
            }
            Ok(())
        })
    })
    .await
}
