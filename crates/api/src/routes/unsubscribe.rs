//! `POST /u/{token}`: the unsubscribe link in every mailing's message. Mail programs post to it
//! directly (RFC 8058 one-click); a person opening the link gets the web app's page, which asks
//! and then posts the same.

use actix_web::{HttpResponse, post, web};
use mailroom_domain::catalogue::{Msg, Said};
use mailroom_domain::wire::{Problem, Unsubscribed};

use crate::cache::Cache;
use crate::clock::Clock;
use crate::db::{DbPool, blocking, write_transaction};
use crate::http::api_error::ApiError;
use crate::sending::unsubscribe::UnsubscribeKeys;
use crate::webhooks;

/// The page a person opening the link gets: the web app, which asks before it unsubscribes (by
/// posting to this same address). The web app's fallback serves it; this only documents it, so
/// that a client reading the document knows the link answers a GET.
#[utoipa::path(
    get,
    path = "/u/{token}",
    tag = "sending",
    params(("token" = String, Path, description = "The token from the message's unsubscribe link")),
    responses(
        (status = OK, description = "The web app's page, which asks first", content_type = "text/html", body = String),
        (status = SERVICE_UNAVAILABLE, description = "The web app was not built with this server", body = Problem, content_type = "application/problem+json"),
    )
)]
#[allow(dead_code)]
pub fn unsubscribe_page() {}

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
    let not_found = || ApiError::NotFound(Said::new(Msg::UnsubscribeInvalid));
    let client_id = keys.verify(&path).ok_or_else(not_found)?;
    let now = clock.now();
    let done = blocking(&pool, move |conn| {
        write_transaction::<_, ApiError, _>(conn, |conn| {
            Ok(webhooks::outbox::unsubscribed(conn, client_id, now)?)
        })
    })
    .await?
    .ok_or_else(not_found)?;
    let (email, owner) = (done.email, done.owner_id);
    // The client's owner sees the address as unsubscribed in their lists at once.
    cache.changed([owner]).await;
    tracing::info!(client = client_id, "client unsubscribed");
    Ok(HttpResponse::Ok().json(Unsubscribed { email }))
}
