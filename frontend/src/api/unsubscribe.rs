use mailroom_domain::wire::Unsubscribed;

use super::{ApiError, post};

/// Follows an unsubscribe link: the same one-click request a mail program sends.
pub async fn unsubscribe(token: &str) -> Result<Unsubscribed, ApiError> {
    post::<(), _>(&format!("/u/{token}"), None).await
}
