//! `POST /u/{token}`: the unsubscribe link in every mailing's message. Mail programs post to it
//! directly (RFC 8058 one-click); a person opening the link gets the web app's page, which asks
//! and then posts the same.

use actix_web::{HttpResponse, post, web};
use mailroom_domain::wire::{Problem, Unsubscribed};

use crate::cache::Cache;
use crate::clock::Clock;
use crate::db::queries::clients;
use crate::db::{DbPool, blocking};
use crate::http::api_error::ApiError;
use crate::sending::unsubscribe::UnsubscribeKeys;

/// Stop all mail from this sender to the client the link was made for. Needs no sign-in: the
/// signed token is the proof. Answering again for the same link is harmless.
#[utoipa::path(
    tag = "sending",
    params(("token" = String, Path, description = "The token from the message's unsubscribe link")),
    responses(
        (status = OK, body = Unsubscribed),
        (status = NOT_FOUND, description = "The link is not valid, or its client no longer exists", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/u/{token}")]
pub async fn unsubscribe(
    path: web::Path<String>,
    keys: web::Data<UnsubscribeKeys>,
    clock: web::Data<dyn Clock>,
    pool: web::Data<DbPool>,
    cache: web::Data<Cache>,
) -> Result<HttpResponse, ApiError> {
    let not_found = || ApiError::NotFound("this unsubscribe link is not valid".into());
    let client_id = keys.verify(&path).ok_or_else(not_found)?;
    let now = clock.now();
    let (email, owner) = blocking(&pool, move |conn| {
        let email = clients::unsubscribe(conn, client_id, now)?;
        let owner = clients::find(conn, client_id)?.map(|c| c.owner_id);
        Ok::<_, ApiError>(email.zip(owner))
    })
    .await?
    .ok_or_else(not_found)?;
    // The client's owner sees the address as unsubscribed in their lists at once.
    cache.changed([owner]).await;
    tracing::info!(client = client_id, "client unsubscribed");
    Ok(HttpResponse::Ok().json(Unsubscribed { email }))
}
