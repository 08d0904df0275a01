use mailroom_domain::wire::{MyStats, Overview};

use super::{ApiError, Call, get};
use crate::session::{Session, SignedIn};

/// Everyone's totals for the home page (public).
pub async fn overview() -> Result<Overview, ApiError> {
    get("/api/v1/stats/overview", None).await
}

/// The signed-in user's figures, with the daily series of the last 30 days.
pub async fn mine(session: Session) -> Result<MyStats, ApiError> {
    Call::get("/api/v1/stats/me").json_answer(session).await
}
