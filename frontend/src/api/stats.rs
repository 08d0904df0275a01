use mailroom_domain::wire::{MyStats, Overview};

use super::{ApiError, get};

/// Everyone's totals for the home page (public).
pub async fn overview() -> Result<Overview, ApiError> {
    get("/api/v1/stats/overview", None).await
}

/// The signed-in user's figures.
pub async fn mine(access: &str) -> Result<MyStats, ApiError> {
    get("/api/v1/stats/me", Some(access)).await
}
