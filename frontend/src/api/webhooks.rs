//! `/api/v1/webhooks`: my webhook endpoints, their deliveries, resends and test events.

use mailroom_domain::wire::{
    NewWebhook, Page, Webhook, WebhookDelivery, WebhookPatch, WebhookWithSecret,
};

use super::{ApiError, Call, ListQuery};
use crate::session::{Session, SignedIn};

/// My endpoints (a manager's list would hold everyone's), up to 200, the newest first: one
/// person keeps a handful.
pub async fn list(session: Session) -> Result<Page<Webhook>, ApiError> {
    Call::get("/api/v1/webhooks")
        .query("per_page", Some(200))
        .query("owner_id", session.user_id())
        .json_answer(session)
        .await
}

pub async fn get(session: Session, id: i64) -> Result<Webhook, ApiError> {
    Call::get(format!("/api/v1/webhooks/{id}"))
        .json_answer(session)
        .await
}

pub async fn create(session: Session, new: &NewWebhook) -> Result<WebhookWithSecret, ApiError> {
    Call::post("/api/v1/webhooks")
        .json(new)?
        .json_answer(session)
        .await
}

pub async fn update(session: Session, id: i64, patch: &WebhookPatch) -> Result<Webhook, ApiError> {
    Call::patch(format!("/api/v1/webhooks/{id}"))
        .json(patch)?
        .json_answer(session)
        .await
}

pub async fn delete(session: Session, id: i64) -> Result<(), ApiError> {
    Call::delete(format!("/api/v1/webhooks/{id}"))
        .done(session)
        .await
}

pub async fn rotate_secret(session: Session, id: i64) -> Result<WebhookWithSecret, ApiError> {
    Call::post(format!("/api/v1/webhooks/{id}/rotate-secret"))
        .json_answer(session)
        .await
}

/// Sends a `webhook.test` event now; the delivery with the receiver's answer.
pub async fn test(session: Session, id: i64) -> Result<WebhookDelivery, ApiError> {
    Call::post(format!("/api/v1/webhooks/{id}/test"))
        .json_answer(session)
        .await
}

pub async fn deliveries(
    session: Session,
    id: i64,
    query: &ListQuery,
) -> Result<Page<WebhookDelivery>, ApiError> {
    query
        .apply(Call::get(format!("/api/v1/webhooks/{id}/deliveries")))
        .json_answer(session)
        .await
}

pub async fn retry(session: Session, id: i64, delivery: i64) -> Result<WebhookDelivery, ApiError> {
    Call::post(format!("/api/v1/webhooks/{id}/deliveries/{delivery}/retry"))
        .json_answer(session)
        .await
}
