//! Sign-in sessions: an access token plus a refresh token that rotates on every use.

use mailroom_domain::UserState;
use mailroom_domain::account::SessionEnd;
use mailroom_domain::catalogue::{Msg, Said};
use std::time::Duration;

use actix_web::web;
use chrono::NaiveDateTime;
use mailroom_domain::wire::TokenResponse;

use super::error::AuthError;
use super::jwt::JwtKeys;
use super::secret;
use crate::db::queries::{tokens, users};
use crate::db::rows::{NewRefreshToken, UserRow};
use crate::db::{DbConnection, DbPool, blocking};

pub const REFRESH_TOKEN_TTL: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// A token used again this soon after its renewal is refused without ending the session: tabs of
/// one browser reloading at once (a restored session) each renew with the same cookie. Later
/// reuse means a copy of the token is loose, and ends every session of its sign-in.
pub const REUSE_GRACE: Duration = Duration::from_secs(30);

/// Starts a session for `user`: a new refresh-token family, or the next token of `family`.
pub fn issue(
    conn: &mut DbConnection,
    keys: &JwtKeys,
    user: &UserRow,
    family: Option<&str>,
    now: NaiveDateTime,
) -> Result<TokenResponse, AuthError> {
    let access_token = keys
        .issue(user.id, user.session_version, now.and_utc())
        .map_err(|e| AuthError::Internal(e.to_string()))?;
    let refresh = secret::generate("");
    // A new sign-in starts a family; a renewal continues its token's family.
    let family = family.map_or_else(|| secret::generate("").plain, str::to_owned);
    let ttl = chrono::Duration::from_std(REFRESH_TOKEN_TTL).unwrap_or(chrono::Duration::days(30));
    tokens::insert_refresh(
        conn,
        &NewRefreshToken {
            user_id: user.id,
            family: &family,
            token_hash: &refresh.hash,
            expires_at: now + ttl,
            created_at: now,
        },
    )?;
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer".into(),
        expires_in: keys.ttl().as_secs(),
        refresh_token: refresh.plain,
        refresh_expires_in: REFRESH_TOKEN_TTL.as_secs(),
    })
}

enum Exchange {
    Renewed(TokenResponse),
    Reused,
    /// Used again within [`REUSE_GRACE`] of its renewal.
    Superseded,
    Refused(AuthError),
}

/// Exchanges a refresh token for a new session. A token that was already exchanged means two
/// parties hold it: the whole family is revoked and both must sign in again.
pub async fn refresh(
    pool: &DbPool,
    keys: web::Data<JwtKeys>,
    token: String,
    now: NaiveDateTime,
) -> Result<TokenResponse, AuthError> {
    let hash = secret::hash(&token);
    let outcome = blocking(pool, move |conn| {
        crate::db::write_transaction::<_, AuthError, _>(conn, |conn| {
            let Some(row) = tokens::find_refresh(conn, &hash)? else {
                return Ok(Exchange::Refused(AuthError::RefreshInvalid(Said::new(
                    Msg::RefreshInvalid,
                ))));
            };
            if row.revoked_at.is_some() {
                let refused = if row.revoked_because == Some(SessionEnd::PasswordChanged) {
                    AuthError::SessionEnded
                } else {
                    AuthError::RefreshInvalid(Said::new(Msg::RefreshEnded))
                };
                return Ok(Exchange::Refused(refused));
            }
            if row.rotated_at.is_some() || tokens::rotate_refresh(conn, row.id, now)? == 0 {
                // Lost a race with a renewal committed just now: that one counts as `now`.
                let rotated = row.rotated_at.unwrap_or(now);
                let grace = chrono::Duration::from_std(REUSE_GRACE).unwrap_or_default();
                if now - rotated < grace {
                    return Ok(Exchange::Superseded);
                }
                tokens::revoke_family(conn, &row.family, SessionEnd::Reused, now)?;
                return Ok(Exchange::Reused);
            }
            if row.expires_at <= now {
                return Ok(Exchange::Refused(AuthError::RefreshInvalid(Said::new(
                    Msg::RefreshExpired,
                ))));
            }
            let user = users::find(conn, row.user_id)?
                .ok_or_else(|| AuthError::RefreshInvalid(Said::new(Msg::AccountGone)))?;
            match user.state {
                UserState::Active => {}
                UserState::Blocked => {
                    tokens::revoke_family(conn, &row.family, SessionEnd::Blocked, now)?;
                    return Ok(Exchange::Refused(AuthError::Blocked));
                }
                UserState::Unconfirmed => return Ok(Exchange::Refused(AuthError::Unconfirmed)),
            }
            issue(conn, &keys, &user, Some(&row.family), now).map(Exchange::Renewed)
        })
    })
    .await?;
    match outcome {
        Exchange::Renewed(session) => Ok(session),
        Exchange::Reused => Err(AuthError::RefreshReused),
        Exchange::Superseded => Err(AuthError::RefreshSuperseded),
        Exchange::Refused(error) => Err(error),
    }
}

/// Ends the session the refresh token belongs to. Unknown tokens are ignored: signing out twice
/// is not an error.
pub async fn logout(pool: &DbPool, token: String, now: NaiveDateTime) -> Result<(), AuthError> {
    let hash = secret::hash(&token);
    blocking(pool, move |conn| {
        if let Some(row) = tokens::find_refresh(conn, &hash)? {
            tokens::revoke_family(conn, &row.family, SessionEnd::SignedOut, now)?;
        }
        Ok::<_, AuthError>(())
    })
    .await
}

/// Where a sign-in comes from: the client's address and the request's id.
#[derive(Debug, Clone)]
pub struct SignInFrom {
    pub address: String,
    pub request_id: Option<String>,
}

/// Signs in with an address and a password. Whether the address exists or not, the password is
/// checked against a hash, so both failures take the same time; the account's state is revealed only
/// to someone who knows its password. A sign-in from an address the account never signed in from
/// is an audit entry, written with the session.
pub async fn login(
    pool: &DbPool,
    keys: web::Data<JwtKeys>,
    email: &str,
    password: String,
    from: SignInFrom,
    now: NaiveDateTime,
) -> Result<TokenResponse, AuthError> {
    let normalized = email.trim().to_lowercase();
    if normalized.contains('\0') {
        // No stored address has one; still spend the time a real check takes.
        super::password::verify(password, None).await;
        return Err(AuthError::InvalidCredentials);
    }
    let user = blocking(pool, move |conn| {
        Ok::<_, AuthError>(users::find_by_email(conn, &normalized)?)
    })
    .await?;
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let matches = super::password::verify(password, stored).await;
    let Some(user) = user.filter(|_| matches) else {
        return Err(AuthError::InvalidCredentials);
    };
    match user.state {
        UserState::Active => {}
        UserState::Blocked => return Err(AuthError::Blocked),
        UserState::Unconfirmed => return Err(AuthError::Unconfirmed),
    }
    blocking(pool, move |conn| {
        crate::db::write_transaction::<_, AuthError, _>(conn, |conn| {
            let session = issue(conn, &keys, &user, None, now)?;
            let request_id = from.request_id.as_deref();
            crate::audit::sign_in(conn, user.id, &user.email, &from.address, request_id, now)?;
            Ok(session)
        })
    })
    .await
}
