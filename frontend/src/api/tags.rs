//! `/api/v1/tags`: the names clients are grouped by.

use mailroom_domain::wire::TagList;

use super::{ApiError, Call};
use crate::session::{Session, SignedIn};

pub async fn list(session: Session) -> Result<TagList, ApiError> {
    Call::get("/api/v1/tags").json_answer(session).await
}
