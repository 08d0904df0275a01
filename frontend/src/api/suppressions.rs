//! `/api/v1/suppressions`: the addresses my mailings no longer send to.

use mailroom_domain::wire::{NewSuppression, Page, Suppression};

use super::{ApiError, Call, ListQuery};
use crate::session::{Session, SignedIn};

pub async fn list(session: Session, query: &ListQuery) -> Result<Page<Suppression>, ApiError> {
    query
        .apply(Call::get("/api/v1/suppressions"))
        .json_answer(session)
        .await
}

pub async fn add(session: Session, entry: &NewSuppression) -> Result<Suppression, ApiError> {
    Call::post("/api/v1/suppressions")
        .json(entry)?
        .json_answer(session)
        .await
}

pub async fn delete(session: Session, id: i64) -> Result<(), ApiError> {
    Call::delete(format!("/api/v1/suppressions/{id}"))
        .done(session)
        .await
}

/// The list as CSV, searched and sorted as `query` says (its paging aside).
pub async fn export(session: Session, query: &ListQuery) -> Result<String, ApiError> {
    query
        .apply(Call::get("/api/v1/suppressions/export"))
        .text_answer(session)
        .await
}
