//! Single-use links sent by mail: confirming an address (24 hours) and resetting a password (1 hour).

use chrono::NaiveDateTime;

use super::error::{AuthError, LinkProblem};
use super::secret;
use crate::db::DbConnection;
use crate::db::queries::tokens;
use crate::db::rows::{NewOneTimeToken, OneTimeTokenRow};
use mailroom_domain::PublicBaseUrl;

pub use mailroom_domain::account::LinkPurpose as Purpose;

/// The web app's address that receives `token`, e.g. `https://…/confirm?token=…`.
pub fn url(base_url: &PublicBaseUrl, purpose: Purpose, token: &str) -> String {
    base_url.join(&format!("{}?token={token}", purpose.path()))
}

/// Creates a link token for `user_id`; returns the token to put in the link.
pub fn create(
    conn: &mut DbConnection,
    user_id: i64,
    purpose: Purpose,
    now: NaiveDateTime,
) -> Result<String, AuthError> {
    let secret = secret::generate("");
    tokens::insert_one_time(
        conn,
        &NewOneTimeToken {
            user_id,
            purpose,
            token_hash: &secret.hash,
            expires_at: now + purpose.lifetime(),
            created_at: now,
        },
    )?;
    Ok(secret.plain)
}

/// Uses a link token once: unknown, used and expired tokens each get their own answer.
pub fn consume(
    conn: &mut DbConnection,
    purpose: Purpose,
    token: &str,
    now: NaiveDateTime,
) -> Result<OneTimeTokenRow, AuthError> {
    let refuse = |problem| AuthError::Link { purpose, problem };
    let row = tokens::find_one_time(conn, purpose, &secret::hash(token.trim()))?
        .ok_or_else(|| refuse(LinkProblem::Unknown))?;
    if row.used_at.is_some() {
        return Err(refuse(LinkProblem::Used));
    }
    if row.expires_at <= now {
        return Err(refuse(LinkProblem::Expired));
    }
    if tokens::use_one_time(conn, row.id, now)? == 0 {
        return Err(refuse(LinkProblem::Used));
    }
    Ok(row)
}
