//! `/api/v1/me`: my account, my password and my API tokens.

use mailroom_domain::wire::{
    ApiToken, ChangePasswordRequest, CreatedApiToken, NewApiTokenRequest, TokenResponse,
    UpdateMeRequest, User,
};

use super::{ApiError, Call};
use crate::session::{Session, SignedIn};

pub async fn update(session: Session, full_name: String) -> Result<User, ApiError> {
    let body = UpdateMeRequest {
        full_name: Some(full_name),
    };
    Call::patch("/api/v1/me")
        .json(&body)?
        .json_answer(session)
        .await
}

/// Changes the password; every other session ends, this one goes on with the new tokens.
pub async fn change_password(
    session: Session,
    request: &ChangePasswordRequest,
) -> Result<TokenResponse, ApiError> {
    Call::post("/api/v1/me/password")
        .json(request)?
        .json_answer(session)
        .await
}

pub async fn tokens(session: Session) -> Result<Vec<ApiToken>, ApiError> {
    Call::get("/api/v1/me/tokens").json_answer(session).await
}

pub async fn create_token(
    session: Session,
    request: &NewApiTokenRequest,
) -> Result<CreatedApiToken, ApiError> {
    Call::post("/api/v1/me/tokens")
        .json(request)?
        .json_answer(session)
        .await
}

pub async fn revoke_token(session: Session, id: i64) -> Result<(), ApiError> {
    Call::delete(format!("/api/v1/me/tokens/{id}"))
        .done(session)
        .await
}
