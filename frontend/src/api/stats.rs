use gloo_net::http::Request;
use mailroom_domain::wire::{MyStats, Overview};

use super::{ApiError, problem_of};

/// Everyone's totals for the home page (public).
pub async fn overview() -> Result<Overview, ApiError> {
    let response = Request::get("/api/v1/stats/overview")
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    if response.ok() {
        response
            .json::<Overview>()
            .await
            .map_err(|e| ApiError::Unexpected(e.to_string()))
    } else {
        Err(problem_of(response).await)
    }
}

/// The signed-in user's figures.
pub async fn mine(access: &str) -> Result<MyStats, ApiError> {
    let response = Request::get("/api/v1/stats/me")
        .header("Authorization", &format!("Bearer {access}"))
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    if response.ok() {
        response
            .json::<MyStats>()
            .await
            .map_err(|e| ApiError::Unexpected(e.to_string()))
    } else {
        Err(problem_of(response).await)
    }
}
