//! Signing in and out, and renewing the session from the HttpOnly refresh cookie.

use gloo_net::http::Request;
use mailroom_domain::wire::{
    Accepted, EmailRequest, LoginRequest, PasswordResetConfirm, RegisterRequest, TokenRequest,
    TokenResponse, User,
};
use serde::de::DeserializeOwned;

use super::{ApiError, problem_of};

async fn json_or_problem<T: DeserializeOwned>(
    response: gloo_net::http::Response,
) -> Result<T, ApiError> {
    if response.ok() {
        response
            .json::<T>()
            .await
            .map_err(|e| ApiError::Unexpected(e.to_string()))
    } else {
        Err(problem_of(response).await)
    }
}

fn network(e: gloo_net::Error) -> ApiError {
    ApiError::Network(e.to_string())
}

pub async fn login(email: String, password: String) -> Result<TokenResponse, ApiError> {
    let response = Request::post("/api/v1/auth/login")
        .json(&LoginRequest { email, password })
        .map_err(|e| ApiError::Unexpected(e.to_string()))?
        .send()
        .await
        .map_err(network)?;
    json_or_problem(response).await
}

/// A new session from the refresh cookie; `None` when there is no valid one (not signed in).
pub async fn refresh() -> Result<Option<TokenResponse>, ApiError> {
    let response = Request::post("/api/v1/auth/refresh")
        .send()
        .await
        .map_err(network)?;
    match response.status() {
        401 => Ok(None),
        _ => json_or_problem(response).await.map(Some),
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
    let response = Request::get("/api/v1/me")
        .header("Authorization", &format!("Bearer {access}"))
        .send()
        .await
        .map_err(network)?;
    json_or_problem(response).await
}

/// Creates an account; the server mails a confirmation link.
pub async fn register(request: RegisterRequest) -> Result<Accepted, ApiError> {
    let response = Request::post("/api/v1/auth/register")
        .json(&request)
        .map_err(|e| ApiError::Unexpected(e.to_string()))?
        .send()
        .await
        .map_err(network)?;
    json_or_problem(response).await
}

/// Confirms an address with the token from the mailed link.
pub async fn confirm(token: String) -> Result<Accepted, ApiError> {
    let response = Request::post("/api/v1/auth/confirm")
        .json(&TokenRequest { token })
        .map_err(|e| ApiError::Unexpected(e.to_string()))?
        .send()
        .await
        .map_err(network)?;
    json_or_problem(response).await
}

/// Asks for a password reset link by mail (the answer is the same for unknown addresses).
pub async fn forgot(email: String) -> Result<Accepted, ApiError> {
    let response = Request::post("/api/v1/auth/password-reset")
        .json(&EmailRequest { email })
        .map_err(|e| ApiError::Unexpected(e.to_string()))?
        .send()
        .await
        .map_err(network)?;
    json_or_problem(response).await
}

/// Sets a new password with the token from the mailed link.
pub async fn reset(token: String, new_password: String) -> Result<Accepted, ApiError> {
    let response = Request::post("/api/v1/auth/password-reset/confirm")
        .json(&PasswordResetConfirm {
            token,
            new_password,
        })
        .map_err(|e| ApiError::Unexpected(e.to_string()))?
        .send()
        .await
        .map_err(network)?;
    json_or_problem(response).await
}
