//! `/api/v1/mailings`: a message to clients on a schedule, its runs and its figures.

use mailroom_domain::wire::{Client, Mailing, MailingRequest, MailingStats, Page, Run};

use super::{ApiError, Call, ListQuery};
use crate::session::{Session, SignedIn};

pub async fn list(session: Session, query: &ListQuery) -> Result<Page<Mailing>, ApiError> {
    query
        .apply(Call::get("/api/v1/mailings"))
        .json_answer(session)
        .await
}

pub async fn get(session: Session, id: i64) -> Result<Mailing, ApiError> {
    Call::get(format!("/api/v1/mailings/{id}"))
        .json_answer(session)
        .await
}

/// The clients in the mailing's audience now, by id and address, read page by page (at most
/// 10,000).
pub async fn clients(session: Session, id: i64) -> Result<Vec<(i64, String)>, ApiError> {
    const PER_PAGE: u32 = 200;
    let mut clients = Vec::new();
    for page in 1..=50_u32 {
        let found: Page<Client> = Call::get(format!(
            "/api/v1/mailings/{id}/clients?page={page}&per_page={PER_PAGE}"
        ))
        .json_answer(session)
        .await?;
        let last = found.items.len() < PER_PAGE as usize;
        clients.extend(found.items.into_iter().map(|c| (c.id, c.email)));
        if last {
            break;
        }
    }
    Ok(clients)
}

pub async fn create(session: Session, mailing: &MailingRequest) -> Result<Mailing, ApiError> {
    Call::post("/api/v1/mailings")
        .json(mailing)?
        .json_answer(session)
        .await
}

/// Replaces every field (a PATCH with all of them).
pub async fn update(
    session: Session,
    id: i64,
    mailing: &MailingRequest,
) -> Result<Mailing, ApiError> {
    Call::patch(format!("/api/v1/mailings/{id}"))
        .json(mailing)?
        .json_answer(session)
        .await
}

pub async fn delete(session: Session, id: i64) -> Result<(), ApiError> {
    Call::delete(format!("/api/v1/mailings/{id}"))
        .done(session)
        .await
}

/// Sends to every client now; the run reports its progress.
pub async fn send(session: Session, id: i64) -> Result<Run, ApiError> {
    Call::post(format!("/api/v1/mailings/{id}/send"))
        .json_answer(session)
        .await
}

/// Pauses, resumes or cancels a run (`action`: "pause", "resume" or "cancel").
pub async fn control(
    session: Session,
    id: i64,
    run_id: i64,
    action: &'static str,
) -> Result<Run, ApiError> {
    Call::post(format!("/api/v1/mailings/{id}/runs/{run_id}/{action}"))
        .json_answer(session)
        .await
}

pub async fn run(session: Session, id: i64, run_id: i64) -> Result<Run, ApiError> {
    Call::get(format!("/api/v1/mailings/{id}/runs/{run_id}"))
        .json_answer(session)
        .await
}

pub async fn stats(session: Session, id: i64) -> Result<MailingStats, ApiError> {
    Call::get(format!("/api/v1/mailings/{id}/stats"))
        .json_answer(session)
        .await
}

/// Managers: stops (or lets again) a mailing from sending.
pub async fn set_disabled(session: Session, id: i64, disabled: bool) -> Result<Mailing, ApiError> {
    let action = if disabled { "disable" } else { "enable" };
    Call::post(format!("/api/v1/mailings/{id}/{action}"))
        .json_answer(session)
        .await
}
