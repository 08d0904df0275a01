//! `/api/v1/users` and `/api/v1/stats/users`: managers' view of the accounts.

use mailroom_domain::wire::{Page, User, UserStats};

use super::{ApiError, Call, ListQuery};
use crate::session::{Session, SignedIn};

pub async fn list(session: Session, query: &ListQuery) -> Result<Page<User>, ApiError> {
    query
        .apply(Call::get("/api/v1/users"))
        .json_answer(session)
        .await
}

/// One account (managers only).
pub async fn get(session: Session, id: i64) -> Result<User, ApiError> {
    Call::get(format!("/api/v1/users/{id}"))
        .json_answer(session)
        .await
}

/// Each account with its figures.
pub async fn stats(session: Session, query: &ListQuery) -> Result<Page<UserStats>, ApiError> {
    query
        .apply(Call::get("/api/v1/stats/users"))
        .json_answer(session)
        .await
}

pub async fn set_blocked(session: Session, id: i64, blocked: bool) -> Result<User, ApiError> {
    let action = if blocked { "block" } else { "unblock" };
    Call::post(format!("/api/v1/users/{id}/{action}"))
        .json_answer(session)
        .await
}
