//! `/api/v1/tags`: the names clients are grouped by.

use mailroom_domain::wire::{Tag, TagList, TagRename};

use super::{ApiError, Call};
use crate::session::{Session, SignedIn};

pub async fn list(session: Session) -> Result<TagList, ApiError> {
    Call::get("/api/v1/tags").json_answer(session).await
}

fn path(name: &str) -> String {
    format!("/api/v1/tags/{}", js_sys::encode_uri_component(name))
}

/// Renames a tag; onto another tag's name, the two become one.
pub async fn rename(session: Session, name: &str, to: &str) -> Result<Tag, ApiError> {
    Call::patch(path(name))
        .json(&TagRename {
            name: to.to_owned(),
        })?
        .json_answer(session)
        .await
}

pub async fn delete(session: Session, name: &str) -> Result<(), ApiError> {
    Call::delete(path(name)).done(session).await
}
