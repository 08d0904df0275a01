//! `/api/v1/clients`: the people mailings go to.

use mailroom_domain::wire::{
    BulkClientsRequest, BulkClientsResult, Client, ClientPatch, ClientRequest, ImportReport, Page,
};

use super::{ApiError, Call, ListQuery};
use crate::session::{Session, SignedIn};

/// A page of clients; `tag`: only those carrying it.
pub async fn list(
    session: Session,
    query: &ListQuery,
    tag: Option<&str>,
) -> Result<Page<Client>, ApiError> {
    query
        .apply(Call::get("/api/v1/clients"))
        .query("tags_any", tag.filter(|t| !t.trim().is_empty()))
        .json_answer(session)
        .await
}

/// Tags, untags or deletes every client the request's filter selects.
pub async fn bulk(
    session: Session,
    request: &BulkClientsRequest,
) -> Result<BulkClientsResult, ApiError> {
    Call::post("/api/v1/clients/bulk")
        .json(request)?
        .json_answer(session)
        .await
}

/// Gives the client exactly these tags.
pub async fn set_tags(session: Session, id: i64, tags: Vec<String>) -> Result<Client, ApiError> {
    Call::patch(format!("/api/v1/clients/{id}"))
        .json(&ClientPatch {
            tags: Some(tags),
            ..ClientPatch::default()
        })?
        .json_answer(session)
        .await
}

pub async fn create(session: Session, client: &ClientRequest) -> Result<Client, ApiError> {
    Call::post("/api/v1/clients")
        .json(client)?
        .json_answer(session)
        .await
}

/// Replaces the three fields (a PATCH with all of them).
pub async fn update(session: Session, id: i64, client: &ClientRequest) -> Result<Client, ApiError> {
    Call::patch(format!("/api/v1/clients/{id}"))
        .json(client)?
        .json_answer(session)
        .await
}

pub async fn delete(session: Session, id: i64) -> Result<(), ApiError> {
    Call::delete(format!("/api/v1/clients/{id}"))
        .done(session)
        .await
}

/// Creates or updates clients from CSV (header `email,full_name,comment,tags`).
pub async fn import(session: Session, csv: String) -> Result<ImportReport, ApiError> {
    Call::post("/api/v1/clients/import")
        .csv(csv)
        .json_answer(session)
        .await
}

/// Every client of `owner_id` as CSV.
pub async fn export(session: Session, owner_id: i64) -> Result<String, ApiError> {
    Call::get("/api/v1/clients/export")
        .query("owner_id", Some(owner_id))
        .text_answer(session)
        .await
}
