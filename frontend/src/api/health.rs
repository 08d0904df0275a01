use gloo_net::http::Request;
use mailroom_domain::wire::{NotReady, Readiness};

use super::{ApiError, problem_of};

#[derive(Debug, Clone, PartialEq)]
pub enum ServerState {
    Ready(Readiness),
    NotReady(NotReady),
}

pub async fn ready() -> Result<ServerState, ApiError> {
    let response = Request::get("/health/ready")
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    match response.status() {
        200 => response
            .json::<Readiness>()
            .await
            .map(ServerState::Ready)
            .map_err(|e| ApiError::Unexpected(e.to_string())),
        503 => response
            .json::<NotReady>()
            .await
            .map(ServerState::NotReady)
            .map_err(|e| ApiError::Unexpected(e.to_string())),
        _ => Err(problem_of(response).await),
    }
}
