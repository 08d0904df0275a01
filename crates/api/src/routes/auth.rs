//! `/api/v1/auth/*`: sign-up, confirmation, sign-in, session renewal, sign-out, password reset.

use actix_web::cookie::time::Duration as CookieDuration;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder, post, web};
use mailroom_domain::EmailAddress;
use mailroom_domain::catalogue::{Msg, Said};
use mailroom_domain::validation::Validator;
use mailroom_domain::wire::{
    Accepted, EmailRequest, LoginRequest, PasswordResetConfirm, Problem, RefreshRequest,
    RegisterRequest, TokenRequest, TokenResponse,
};
use tracing_actix_web::RequestId;

use crate::auth::rate_limit::Action;
use crate::auth::sessions::REFRESH_TOKEN_TTL;
use crate::auth::{AuthError, AuthRateLimits, JwtKeys, recovery, sessions, signup};
use crate::cache::Cache;
use crate::clock::Clock;
use crate::db::DbPool;
use crate::http::client_addr::TrustedProxies;
use crate::http::json::{Json, OptionalJson};
use mailroom_domain::PublicBaseUrl;

pub const REFRESH_COOKIE: &str = "mailroom_refresh";
/// The cookie goes only to the endpoints that use it.
const REFRESH_COOKIE_PATH: &str = "/api/v1/auth";

/// The client's address (`TRUSTED_PROXIES` says whose forwarding headers to believe).
fn client_ip(req: &HttpRequest) -> String {
    let addr = match req.app_data::<web::Data<TrustedProxies>>() {
        Some(proxies) => proxies.of(req),
        None => req.peer_addr().map(|addr| addr.ip()),
    };
    addr.map_or_else(|| "unknown".into(), |addr| addr.to_string())
}

pub async fn limit(
    limits: &AuthRateLimits,
    action: Action,
    req: &HttpRequest,
    email: &str,
) -> Result<(), AuthError> {
    limits
        .check(action, &client_ip(req), email)
        .await
        .map_err(AuthError::RateLimited)
}

fn parse_email(raw: &str) -> Result<EmailAddress, AuthError> {
    let mut v = Validator::new();
    let email = v.check("email", EmailAddress::parse(raw));
    v.finish().map_err(AuthError::Validation)?;
    email.ok_or_else(|| AuthError::Internal("validated email missing".into()))
}

fn refresh_cookie(
    base_url: &PublicBaseUrl,
    value: String,
    max_age: CookieDuration,
) -> Cookie<'static> {
    Cookie::build(REFRESH_COOKIE, value)
        .path(REFRESH_COOKIE_PATH)
        .http_only(true)
        .secure(base_url.is_https())
        .same_site(SameSite::Strict)
        .max_age(max_age)
        .finish()
}

/// A session in the body, and its refresh token in an HttpOnly cookie for browsers.
pub fn session_response(base_url: &PublicBaseUrl, session: TokenResponse) -> HttpResponse {
    let max_age = CookieDuration::seconds(REFRESH_TOKEN_TTL.as_secs() as i64);
    HttpResponse::Ok()
        .cookie(refresh_cookie(
            base_url,
            session.refresh_token.clone(),
            max_age,
        ))
        .insert_header(("Cache-Control", "no-store"))
        .json(session)
}

/// An answer telling the person what happened or happens next, in their language.
fn told(mut answer: HttpResponseBuilder, message: Msg) -> HttpResponse {
    let lang = crate::http::language::current();
    crate::http::language::mark(&mut answer).json(Accepted {
        message: Said::new(message).render(lang),
    })
}

fn accepted(message: Msg) -> HttpResponse {
    told(HttpResponse::Accepted(), message)
}

/// The refresh token of the body, or else of the cookie.
fn refresh_token(req: &HttpRequest, body: OptionalJson<RefreshRequest>) -> Option<String> {
    body.into_inner()
        .and_then(|b| b.refresh_token)
        .filter(|t| !t.trim().is_empty())
        .or_else(|| req.cookie(REFRESH_COOKIE).map(|c| c.value().to_owned()))
}

/// Create an account; a confirmation link is mailed to the address.
///
/// Answers the same for an address that already has an account (which gets a mail saying so), so
/// the API does not reveal who is registered.
#[utoipa::path(
    tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = ACCEPTED, description = "Registration taken; a mail is on its way", body = Accepted),
        (status = UNPROCESSABLE_ENTITY, description = "Invalid email, password or name", body = Problem, content_type = "application/problem+json"),
        (status = TOO_MANY_REQUESTS, description = "Too many attempts (see Retry-After)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/register")]
pub async fn register(
    req: HttpRequest,
    body: Json<RegisterRequest>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
    limits: web::Data<AuthRateLimits>,
) -> Result<HttpResponse, AuthError> {
    limit(&limits, Action::Mail, &req, &body.email).await?;
    signup::register(&pool, body.into_inner(), clock.now()).await?;
    Ok(accepted(Msg::ConfirmationSent))
}

/// Confirm an address with the token from the confirmation link; the account becomes active.
#[utoipa::path(
    tag = "auth",
    request_body = TokenRequest,
    responses(
        (status = OK, description = "The address is confirmed; the account can sign in", body = Accepted),
        (status = BAD_REQUEST, description = "The token is unknown, used or expired (see `type`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/confirm")]
pub async fn confirm(
    body: Json<TokenRequest>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
    cache: web::Data<Cache>,
) -> Result<HttpResponse, AuthError> {
    let user_id = signup::confirm(&pool, body.into_inner().token, clock.now()).await?;
    // The account is read through the cache on every request: it must see the new state.
    cache.changed([user_id]).await;
    Ok(told(HttpResponse::Ok(), Msg::AddressConfirmed))
}

/// Mail a new confirmation link to an address whose account is not confirmed yet.
#[utoipa::path(
    tag = "auth",
    request_body = EmailRequest,
    responses(
        (status = ACCEPTED, description = "If the address has an unconfirmed account, a link is on its way", body = Accepted),
        (status = UNPROCESSABLE_ENTITY, description = "Not an email address", body = Problem, content_type = "application/problem+json"),
        (status = TOO_MANY_REQUESTS, description = "Too many attempts (see Retry-After)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/resend-confirmation")]
pub async fn resend_confirmation(
    req: HttpRequest,
    body: Json<EmailRequest>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
    limits: web::Data<AuthRateLimits>,
) -> Result<HttpResponse, AuthError> {
    limit(&limits, Action::Mail, &req, &body.email).await?;
    let email = parse_email(&body.email)?;
    signup::resend(&pool, email, clock.now()).await?;
    Ok(accepted(Msg::ConfirmationResent))
}

/// Sign in. The access token goes in `Authorization: Bearer …`; the refresh token renews it.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = OK, description = "Signed in; the refresh token is also set as an HttpOnly cookie", body = TokenResponse),
        (status = UNAUTHORIZED, description = "Wrong email or password", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "The account is not confirmed yet, or blocked (see `type`)", body = Problem, content_type = "application/problem+json"),
        (status = TOO_MANY_REQUESTS, description = "Too many attempts (see Retry-After)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/login")]
#[allow(clippy::too_many_arguments)] // what the handler needs, each an extractor
pub async fn login(
    req: HttpRequest,
    request_id: RequestId,
    body: Json<LoginRequest>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
    keys: web::Data<JwtKeys>,
    base_url: web::Data<PublicBaseUrl>,
    limits: web::Data<AuthRateLimits>,
) -> Result<HttpResponse, AuthError> {
    let LoginRequest { email, password } = body.into_inner();
    limit(&limits, Action::Login, &req, &email).await?;
    let from = sessions::SignInFrom {
        address: client_ip(&req),
        request_id: Some(request_id.to_string()),
    };
    let session = sessions::login(&pool, keys, &email, password, from, clock.now()).await?;
    Ok(session_response(&base_url, session))
}

/// Exchange a refresh token (body or cookie) for a new session. Each refresh token works once;
/// presenting a used one ends every session of that sign-in.
#[utoipa::path(
    tag = "auth",
    request_body(content = Option<RefreshRequest>, description = "Optional for browsers, which send the cookie"),
    responses(
        (status = OK, description = "A new session; the old refresh token no longer works", body = TokenResponse),
        (status = UNAUTHORIZED, description = "Missing, unknown, expired, revoked or reused token (see `type`: session-ended when the password changed)", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "The account is blocked", body = Problem, content_type = "application/problem+json"),
        (status = BAD_REQUEST, description = "A body that is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = UNPROCESSABLE_ENTITY, description = "A body that is not a refresh request", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    req: HttpRequest,
    body: OptionalJson<RefreshRequest>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
    keys: web::Data<JwtKeys>,
    base_url: web::Data<PublicBaseUrl>,
) -> Result<HttpResponse, AuthError> {
    let token = refresh_token(&req, body)
        .ok_or_else(|| AuthError::RefreshInvalid(Said::new(Msg::RefreshMissing)))?;
    let session = sessions::refresh(&pool, keys, token, clock.now()).await?;
    Ok(session_response(&base_url, session))
}

/// Sign out: the refresh token (body or cookie) and every token renewed from it stop working.
#[utoipa::path(
    tag = "auth",
    request_body(content = Option<RefreshRequest>, description = "Optional for browsers, which send the cookie"),
    responses(
        (status = NO_CONTENT, description = "Signed out (also when the token was unknown)"),
        (status = BAD_REQUEST, description = "A body that is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = UNPROCESSABLE_ENTITY, description = "A body that is not a refresh request", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/logout")]
pub async fn logout(
    req: HttpRequest,
    body: OptionalJson<RefreshRequest>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
    base_url: web::Data<PublicBaseUrl>,
) -> Result<HttpResponse, AuthError> {
    if let Some(token) = refresh_token(&req, body) {
        sessions::logout(&pool, token, clock.now()).await?;
    }
    Ok(HttpResponse::NoContent()
        .cookie(refresh_cookie(
            &base_url,
            String::new(),
            CookieDuration::ZERO,
        ))
        .finish())
}

/// Mail a single-use password reset link (valid one hour) if the address has an account.
#[utoipa::path(
    tag = "auth",
    request_body = EmailRequest,
    responses(
        (status = ACCEPTED, description = "If the address has an account, a link is on its way", body = Accepted),
        (status = UNPROCESSABLE_ENTITY, description = "Not an email address", body = Problem, content_type = "application/problem+json"),
        (status = TOO_MANY_REQUESTS, description = "Too many attempts (see Retry-After)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/password-reset")]
pub async fn password_reset(
    req: HttpRequest,
    body: Json<EmailRequest>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
    limits: web::Data<AuthRateLimits>,
) -> Result<HttpResponse, AuthError> {
    limit(&limits, Action::Mail, &req, &body.email).await?;
    let email = parse_email(&body.email)?;
    recovery::request_reset(&pool, email, clock.now()).await?;
    Ok(accepted(Msg::ResetSent))
}

/// Set a new password with the token from the reset link; every session and API token of the
/// account ends.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordResetConfirm,
    responses(
        (status = OK, description = "The password is changed; sign in with it", body = Accepted),
        (status = BAD_REQUEST, description = "The token is unknown, used or expired (see `type`)", body = Problem, content_type = "application/problem+json"),
        (status = UNPROCESSABLE_ENTITY, description = "The new password does not meet the policy", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/password-reset/confirm")]
pub async fn password_reset_confirm(
    body: Json<PasswordResetConfirm>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
    cache: web::Data<Cache>,
) -> Result<HttpResponse, AuthError> {
    let PasswordResetConfirm {
        token,
        new_password,
    } = body.into_inner();
    let user_id = recovery::reset(&pool, token, &new_password, clock.now()).await?;
    // Access tokens issued before the reset must fail at once: the cached account changes.
    cache.changed([user_id]).await;
    Ok(told(HttpResponse::Ok(), Msg::PasswordChanged))
}
