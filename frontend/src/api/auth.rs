//! Accounts: signing in and out, renewing the session from the HttpOnly refresh cookie,
//! registering, confirming and resetting a password.

use gloo_net::http::Request;
use mailroom_domain::wire::{
    Accepted, EmailRequest, LoginRequest, PasswordResetConfirm, RegisterRequest, TokenRequest,
    TokenResponse, User, problem_types,
};

use super::{ApiError, answer, get, network, post, problem_of};
use crate::time;

pub async fn login(email: String, password: String) -> Result<TokenResponse, ApiError> {
    post(
        "/api/v1/auth/login",
        Some(&LoginRequest { email, password }),
    )
    .await
}

/// A new session from the refresh cookie; `None` when there is no valid one (not signed in), and
/// the server's problem when it says why the session ended (blocked, the password changed).
/// When another tab renewed with the same cookie a moment ago, the browser holds the newer one
/// by the time the server says so: one more try uses it.
pub async fn refresh() -> Result<Option<TokenResponse>, ApiError> {
    let mut tries = 0;
    loop {
        let response = Request::post("/api/v1/auth/refresh")
            .send()
            .await
            .map_err(network)?;
        if response.status() != 401 {
            return answer(response).await.map(Some);
        }
        match problem_of(response).await {
            ApiError::Problem(p)
                if p.kind == problem_types::REFRESH_TOKEN_SUPERSEDED && tries == 0 =>
            {
                tries += 1;
                time::sleep(200).await;
            }
            ApiError::Problem(p) if p.kind == problem_types::SESSION_ENDED => {
                return Err(ApiError::Problem(p));
            }
            _ => return Ok(None),
        }
    }
}

pub async fn logout() -> Result<(), ApiError> {
    let response = Request::post("/api/v1/auth/logout")
        .send()
        .await
        .map_err(network)?;
    if response.ok() {
        Ok(())
    } else {
        Err(problem_of(response).await)
    }
}

pub async fn me(access: &str) -> Result<User, ApiError> {
    get("/api/v1/me", Some(access)).await
}

/// Creates an account; the server mails a confirmation link.
pub async fn register(request: RegisterRequest) -> Result<Accepted, ApiError> {
    post("/api/v1/auth/register", Some(&request)).await
}

/// Confirms an address with the token from the mailed link.
pub async fn confirm(token: String) -> Result<Accepted, ApiError> {
    post("/api/v1/auth/confirm", Some(&TokenRequest { token })).await
}

/// Asks for a new confirmation link by mail (the answer is the same for unknown addresses).
pub async fn resend_confirmation(email: String) -> Result<Accepted, ApiError> {
    post(
        "/api/v1/auth/resend-confirmation",
        Some(&EmailRequest { email }),
    )
    .await
}

/// Asks for a password reset link by mail (the answer is the same for unknown addresses).
pub async fn forgot(email: String) -> Result<Accepted, ApiError> {
    post("/api/v1/auth/password-reset", Some(&EmailRequest { email })).await
}

/// Sets a new password with the token from the mailed link.
pub async fn reset(token: String, new_password: String) -> Result<Accepted, ApiError> {
    let body = PasswordResetConfirm {
        token,
        new_password,
    };
    post("/api/v1/auth/password-reset/confirm", Some(&body)).await
}
