use gloo_net::http::Request;
use mailroom_domain::wire::Unsubscribed;

use super::{ApiError, problem_of};

/// Follows an unsubscribe link: the same one-click request a mail program sends.
pub async fn unsubscribe(token: &str) -> Result<Unsubscribed, ApiError> {
    let response = Request::post(&format!("/u/{token}"))
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    if response.ok() {
        response
            .json::<Unsubscribed>()
            .await
            .map_err(|e| ApiError::Unexpected(e.to_string()))
    } else {
        Err(problem_of(response).await)
    }
}
