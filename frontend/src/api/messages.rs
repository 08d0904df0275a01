//! `/api/v1/messages`: subjects and bodies with placeholders.

use mailroom_domain::wire::{
    Message, MessagePreview, MessagePreviewRequest, MessageRequest, Page, TestSendRequest, TestSent,
};

use super::{ApiError, Call, ListQuery};
use crate::session::{Session, SignedIn};

pub async fn list(session: Session, query: &ListQuery) -> Result<Page<Message>, ApiError> {
    query
        .apply(Call::get("/api/v1/messages"))
        .json_answer(session)
        .await
}

pub async fn get(session: Session, id: i64) -> Result<Message, ApiError> {
    Call::get(format!("/api/v1/messages/{id}"))
        .json_answer(session)
        .await
}

pub async fn create(session: Session, message: &MessageRequest) -> Result<Message, ApiError> {
    Call::post("/api/v1/messages")
        .json(message)?
        .json_answer(session)
        .await
}

pub async fn update(
    session: Session,
    id: i64,
    message: &MessageRequest,
) -> Result<Message, ApiError> {
    Call::patch(format!("/api/v1/messages/{id}"))
        .json(message)?
        .json_answer(session)
        .await
}

pub async fn delete(session: Session, id: i64) -> Result<(), ApiError> {
    Call::delete(format!("/api/v1/messages/{id}"))
        .done(session)
        .await
}

/// The message as its recipient gets it, rendered by the server's own code.
pub async fn preview(
    session: Session,
    request: &MessagePreviewRequest,
) -> Result<MessagePreview, ApiError> {
    Call::post("/api/v1/messages/preview")
        .json(request)?
        .json_answer(session)
        .await
}

/// Sends one test copy of the message to the signed-in person.
pub async fn test(session: Session, id: i64) -> Result<TestSent, ApiError> {
    Call::post(format!("/api/v1/messages/{id}/test"))
        .json(&TestSendRequest::default())?
        .json_answer(session)
        .await
}
