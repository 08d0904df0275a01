//! `/api/v1/me`: the signed-in account, its password and its personal API tokens.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use mailroom_domain::account;
use mailroom_domain::catalogue::{Msg, Said};
use mailroom_domain::validation::{Validator, required_line};
use mailroom_domain::wire::{
    ApiToken, ChangePasswordRequest, CreatedApiToken, NewApiTokenRequest, Problem, TokenResponse,
    UpdateMeRequest, User,
};

use super::auth::session_response;
use crate::auth::rate_limit::Action;
use crate::auth::secret::{self, API_TOKEN_PREFIX};
use crate::auth::{
    AuthError, AuthRateLimits, CurrentUser, JwtKeys, SessionUser, recovery, sessions,
};
use crate::clock::Clock;
use crate::db::queries::{tokens, users};
use crate::db::rows::{ApiTokenRow, NewApiToken, UserRow};
use crate::db::{DbPool, blocking};
use crate::http::api_error::ApiError;
use crate::http::json::Json;
use mailroom_domain::PublicBaseUrl;

/// How many characters of a token are shown in lists.
const SHOWN_PREFIX_CHARS: usize = 10;

pub fn user_json(row: UserRow) -> Result<User, ApiError> {
    Ok(User {
        role: row.role,
        state: row.state,
        id: row.id,
        email: row.email,
        full_name: row.full_name,
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
    })
}

fn token_json(row: ApiTokenRow) -> ApiToken {
    ApiToken {
        id: row.id,
        name: row.name,
        prefix: row.prefix,
        created_at: row.created_at.and_utc(),
        expires_at: row.expires_at.map(|at| at.and_utc()),
        last_used_at: row.last_used_at.map(|at| at.and_utc()),
    }
}

/// The signed-in account.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = OK, body = User),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "The account is blocked", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me")]
pub async fn get_me(current: CurrentUser) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(user_json(current.user)?))
}

/// Change the account's full name.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    request_body = UpdateMeRequest,
    responses(
        (status = OK, body = User),
        (status = UNPROCESSABLE_ENTITY, description = "Invalid name", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "Signed in with an API token: this needs a session", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/me")]
pub async fn update_me(
    SessionUser(current): SessionUser,
    body: Json<UpdateMeRequest>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let now = clock.now();
    let mut v = Validator::new();
    let full_name = body
        .full_name
        .as_deref()
        .and_then(|name| v.check("full_name", mailroom_domain::account::full_name(name)));
    v.finish().map_err(ApiError::Validation)?;
    let id = current.id();
    let row = blocking(&pool, move |conn| {
        if let Some(name) = &full_name {
            users::set_full_name(conn, id, name, now)?;
        }
        users::find(conn, id)?.ok_or_else(|| ApiError::NotFound(Said::new(Msg::AccountGone)))
    })
    .await?;
    Ok(HttpResponse::Ok().json(user_json(row)?))
}

/// Change the password. Every session ends, and a new one starts for this client.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = OK, description = "Changed; a fresh session for this client", body = TokenResponse),
        (status = UNPROCESSABLE_ENTITY, description = "Wrong current password or a new one that breaks the policy", body = Problem, content_type = "application/problem+json"),
        (status = TOO_MANY_REQUESTS, description = "Too many attempts (see Retry-After)", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "Signed in with an API token: this needs a session", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/password")]
// Each argument is an extractor actix fills in; grouping them would only hide what it needs.
#[allow(clippy::too_many_arguments)]
pub async fn change_password(
    req: HttpRequest,
    SessionUser(current): SessionUser,
    body: Json<ChangePasswordRequest>,
    pool: web::Data<DbPool>,
    keys: web::Data<JwtKeys>,
    base_url: web::Data<PublicBaseUrl>,
    limits: web::Data<AuthRateLimits>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, AuthError> {
    let now = clock.now();
    // Each try checks the current password: a stolen token must not allow guessing it freely.
    super::auth::limit(&limits, Action::Login, &req, &current.user.email).await?;
    let ChangePasswordRequest {
        current_password,
        new_password,
    } = body.into_inner();
    let id = current.id();
    let stored_hash = blocking(&pool, move |conn| {
        users::find(conn, id)?.ok_or(AuthError::SessionEnded)
    })
    .await?
    .password_hash;
    recovery::change(&pool, id, stored_hash, current_password, &new_password, now).await?;
    let session = blocking(&pool, move |conn| {
        let user = users::find(conn, id)?.ok_or(AuthError::SessionEnded)?;
        sessions::issue(conn, &keys, &user, None, now)
    })
    .await?;
    Ok(session_response(&base_url, session))
}

/// The account's personal API tokens, newest first (never their secrets).
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = OK, body = Vec<ApiToken>),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "Signed in with an API token: this needs a session", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/tokens")]
pub async fn list_tokens(
    SessionUser(current): SessionUser,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let id = current.id();
    let rows = blocking(&pool, move |conn| {
        Ok::<_, ApiError>(tokens::list_api_tokens(conn, id)?)
    })
    .await?;
    let items: Vec<ApiToken> = rows.into_iter().map(token_json).collect();
    Ok(HttpResponse::Ok().json(items))
}

/// Create a personal API token for an integration. The token is in this answer only.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    request_body = NewApiTokenRequest,
    responses(
        (status = CREATED, body = CreatedApiToken),
        (status = UNPROCESSABLE_ENTITY, description = "Missing name or an expiry in the past", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "Signed in with an API token: this needs a session", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/tokens")]
pub async fn create_token(
    SessionUser(current): SessionUser,
    body: Json<NewApiTokenRequest>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let now = clock.now().and_utc();
    let mut v = Validator::new();
    let name = v.check(
        "name",
        required_line(&body.name, account::MAX_TOKEN_NAME_CHARS),
    );
    if body.expires_at.is_some_and(|at| at <= now) {
        v.add(
            "expires_at",
            mailroom_domain::catalogue::Said::new(mailroom_domain::catalogue::Msg::NotInFuture),
        );
    }
    v.finish().map_err(ApiError::Validation)?;
    let name = name.ok_or_else(|| ApiError::Internal("validated name missing".into()))?;
    let expires_at = body.expires_at.map(|at| at.naive_utc());
    let secret = secret::generate(API_TOKEN_PREFIX);
    let prefix: String = secret.plain.chars().take(SHOWN_PREFIX_CHARS).collect();
    let user_id = current.id();
    let hash = secret.hash;
    let row = blocking(&pool, move |conn| {
        Ok::<_, ApiError>(tokens::insert_api_token(
            conn,
            &NewApiToken {
                user_id,
                name: &name,
                token_hash: &hash,
                prefix: &prefix,
                expires_at,
                created_at: now.naive_utc(),
            },
        )?)
    })
    .await?;
    Ok(HttpResponse::Created().json(CreatedApiToken {
        token: secret.plain,
        info: token_json(row),
    }))
}

/// Revoke one of the account's API tokens; it stops working at once.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The token's id")),
    responses(
        (status = NO_CONTENT, description = "Revoked"),
        (status = NOT_FOUND, description = "No such token of this account", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "Signed in with an API token: this needs a session", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/me/tokens/{id}")]
pub async fn delete_token(
    SessionUser(current): SessionUser,
    path: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let user_id = current.id();
    let deleted = blocking(&pool, move |conn| {
        Ok::<_, ApiError>(tokens::delete_api_token(conn, user_id, id)?)
    })
    .await?;
    if deleted == 0 {
        return Err(ApiError::missing(Said::with(Msg::ThingApiToken, [id])));
    }
    Ok(HttpResponse::NoContent().finish())
}
