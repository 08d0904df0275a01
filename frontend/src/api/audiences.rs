//! `/api/v1/audiences/preview`: how many clients an audience holds now.

use mailroom_domain::wire::{Audience, AudiencePreview, AudiencePreviewRequest};

use super::{ApiError, Call};
use crate::session::{Session, SignedIn};

pub async fn preview(session: Session, audience: &Audience) -> Result<AudiencePreview, ApiError> {
    Call::post("/api/v1/audiences/preview")
        .json(&AudiencePreviewRequest {
            audience: audience.clone(),
        })?
        .json_answer(session)
        .await
}
