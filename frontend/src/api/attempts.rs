//! `/api/v1/mailings/{id}/attempts`: every delivery attempt with the server's reply.

use mailroom_domain::AttemptStatus;
use mailroom_domain::wire::{Attempt, Page};

use super::{ApiError, Call, ListQuery};
use crate::session::{Session, SignedIn};

pub async fn of_mailing(
    session: Session,
    mailing_id: i64,
    status: Option<AttemptStatus>,
    query: &ListQuery,
) -> Result<Page<Attempt>, ApiError> {
    query
        .apply(Call::get(format!("/api/v1/mailings/{mailing_id}/attempts")))
        .query("status", status.map(AttemptStatus::as_str))
        .json_answer(session)
        .await
}
