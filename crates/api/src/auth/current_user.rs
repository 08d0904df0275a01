//! Who is calling: `Authorization: Bearer <token>`, where the token is either an access token (JWT)
//! or a personal API token (`mr_…`). The account is read on every request, so a block or a role
//! change applies to the very next one: for an access token through the server cache, in the
//! account's own scope, which every change to the account bumps (see `crate::cache`); for an API
//! token from the database (a revoked token must fail at once, and its use is recorded).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use chrono::{Duration, NaiveDateTime};
use mailroom_domain::catalogue::{Msg, Said};
use mailroom_domain::permissions::Actor;
use mailroom_domain::{Role, UserState};

use super::error::AuthError;
use super::jwt::{JwtKeys, TokenError};
use super::secret::{self, API_TOKEN_PREFIX};
use crate::cache::{Cache, Scope};
use crate::clock::Clock;
use crate::db::queries::{tokens, users};
use crate::db::rows::UserRow;
use crate::db::{self, DbPool};

/// Writing `last_used_at` on every call would turn each read into a write; once a minute is plenty.
const LAST_USED_GRANULARITY: Duration = Duration::minutes(1);

/// The signed-in account, as the database has it now. It never carries the password hash: a
/// handler that needs it reads it afresh.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: UserRow,
    pub role: Role,
    /// How the request proved who it is.
    pub via: Via,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// An access token from signing in (a person, in the web app or a script).
    Session,
    /// A personal API token (an integration).
    ApiToken,
}

/// The signed-in account, through a session only: what may change the account itself (its API
/// tokens, password and profile). An API token must not mint tokens that outlive its own
/// revocation, or take the account over; it gets 403.
#[derive(Debug, Clone)]
pub struct SessionUser(pub CurrentUser);

impl CurrentUser {
    pub fn id(&self) -> i64 {
        self.user.id
    }

    pub fn actor(&self) -> Actor {
        Actor {
            id: self.user.id,
            role: self.role,
        }
    }
}

enum Credential {
    Jwt(String),
    ApiToken(String),
}

fn credential(req: &HttpRequest) -> Result<Credential, AuthError> {
    let header = req
        .headers()
        .get(AUTHORIZATION)
        .ok_or_else(|| AuthError::Unauthenticated(Said::new(Msg::AuthMissing)))?;
    let value = header
        .to_str()
        .map_err(|_| AuthError::Unauthenticated(Said::new(Msg::AuthUnreadable)))?;
    let (scheme, token) = value
        .split_once(' ')
        .ok_or_else(|| AuthError::Unauthenticated(Said::new(Msg::AuthNotBearer)))?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(AuthError::Unauthenticated(Said::new(Msg::AuthNotBearer)));
    }
    let token = token.trim().to_owned();
    Ok(if token.starts_with(API_TOKEN_PREFIX) {
        Credential::ApiToken(token)
    } else {
        Credential::Jwt(token)
    })
}

/// Only active accounts act; the state is checked on every request.
fn admit(user: UserRow, via: Via) -> Result<CurrentUser, AuthError> {
    match user.state {
        UserState::Active => {}
        UserState::Blocked => return Err(AuthError::Blocked),
        UserState::Unconfirmed => return Err(AuthError::Unconfirmed),
    }
    let role = user.role;
    Ok(CurrentUser { user, role, via })
}

/// The account an access token names, from the cache when it holds it.
async fn account(
    pool: DbPool,
    cache: Option<&Cache>,
    id: i64,
    now: NaiveDateTime,
) -> Result<Option<UserRow>, AuthError> {
    let read = || async move {
        let user = db::blocking(&pool, move |conn| {
            Ok::<_, AuthError>(users::find(conn, id)?)
        })
        .await?;
        Ok::<_, AuthError>((user, None))
    };
    match cache {
        Some(cache) => {
            let key = format!("account:{id}");
            let bytes = cache.json(Scope::Owner(id), &key, now, read).await?;
            Ok(serde_json::from_slice(&bytes)?)
        }
        None => Ok(read().await?.0),
    }
}

async fn authenticate(
    pool: DbPool,
    cache: Option<&Cache>,
    keys: &JwtKeys,
    credential: Credential,
    now: NaiveDateTime,
) -> Result<CurrentUser, AuthError> {
    match credential {
        Credential::Jwt(token) => {
            let claims = keys.verify(&token, now.and_utc()).map_err(|e| {
                AuthError::Unauthenticated(Said::new(match e {
                    TokenError::Expired => Msg::AccessExpired,
                    TokenError::Invalid => Msg::AccessInvalid,
                }))
            })?;
            let id = claims
                .user_id()
                .ok_or_else(|| AuthError::Unauthenticated(Said::new(Msg::AccessInvalid)))?;
            let user = account(pool, cache, id, now)
                .await?
                .ok_or_else(|| AuthError::Unauthenticated(Said::new(Msg::AccountGone)))?;
            let current = admit(user, Via::Session)?;
            if current.user.session_version != claims.sv {
                return Err(AuthError::SessionEnded);
            }
            Ok(current)
        }
        Credential::ApiToken(token) => {
            let hash = secret::hash(&token);
            let user = db::blocking(&pool, move |conn| {
                let Some(row) = tokens::find_api_token(conn, &hash)? else {
                    return Err(AuthError::Unauthenticated(Said::new(Msg::ApiTokenInvalid)));
                };
                if row.expires_at.is_some_and(|at| at <= now) {
                    return Err(AuthError::Unauthenticated(Said::new(Msg::ApiTokenExpired)));
                }
                let user = users::find(conn, row.user_id)?
                    .ok_or_else(|| AuthError::Unauthenticated(Said::new(Msg::AccountGone)))?;
                if stale(row.last_used_at, now) {
                    tokens::touch_api_token(conn, row.id, now)?;
                }
                Ok(user)
            })
            .await?;
            admit(
                UserRow {
                    password_hash: String::new(),
                    ..user
                },
                Via::ApiToken,
            )
        }
    }
}

fn stale(last_used: Option<NaiveDateTime>, now: NaiveDateTime) -> bool {
    last_used.is_none_or(|at| now - at >= LAST_USED_GRANULARITY)
}

impl FromRequest for CurrentUser {
    type Error = AuthError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AuthError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let credential = credential(req);
        let pool = req.app_data::<web::Data<DbPool>>().cloned();
        let keys = req.app_data::<web::Data<JwtKeys>>().cloned();
        let cache = req.app_data::<web::Data<Cache>>().cloned();
        let clock = req.app_data::<web::Data<dyn Clock>>().cloned();
        let req = req.clone();
        Box::pin(async move {
            let (Some(pool), Some(keys), Some(clock)) = (pool, keys, clock) else {
                return Err(AuthError::Internal(
                    "authentication is not configured".into(),
                ));
            };
            // Only a cache every process shares: an operator's `mailroom promote` in another
            // process must reach it, or the change would wait for the entry's end.
            let cache = cache
                .as_ref()
                .map(|c| c.get_ref())
                .filter(|c| c.is_shared());
            let current = authenticate(
                pool.get_ref().clone(),
                cache,
                &keys,
                credential?,
                clock.now(),
            )
            .await?;
            // Who acted, for what runs after the handler (`http::invalidation`).
            req.extensions_mut().insert(current.actor());
            Ok(current)
        })
    }
}

impl FromRequest for SessionUser {
    type Error = AuthError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AuthError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let current = CurrentUser::from_request(req, payload);
        Box::pin(async move {
            let current = current.await?;
            match current.via {
                Via::Session => Ok(SessionUser(current)),
                Via::ApiToken => Err(AuthError::SessionRequired),
            }
        })
    }
}
