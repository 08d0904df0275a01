//! `/api/v1/webhooks`: the endpoints Mailroom tells about what happens to their owner's mail,
//! signed the Standard Webhooks way with a secret shown once. An endpoint's address must lead to
//! a public address (`webhooks::guard`), checked here and again at each delivery. The usual
//! scoping: another user's endpoint answers 404; managers read every endpoint and change none but
//! their own.

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{NaiveDateTime, TimeDelta};
use mailroom_domain::catalogue::{Explain, Msg, Said};
use mailroom_domain::validation::{Validator, optional_line};
use mailroom_domain::webhook::{
    EndpointUrl, EventType, MAX_DESCRIPTION_CHARS, UrlError, parse_events,
};
use mailroom_domain::wire::{
    NewWebhook, Page, Problem, Webhook, WebhookPatch, WebhookSort, WebhookWithSecret,
};
use serde::Deserialize;
use utoipa::IntoParams;

use super::listing::ListRequest;
use super::owned::{self, Intent};
use crate::auth::CurrentUser;
use crate::clock::Clock;
use crate::db::queries::webhooks;
use crate::db::rows::{NewWebhookRow, WebhookChanges, WebhookRow};
use crate::db::{DbError, DbPool, blocking, write_transaction};
use crate::http::api_error::ApiError;
use crate::http::json::Json;
use crate::webhooks::{WebhookSettings, guard, secret};

/// How long the secret before a rotation keeps signing beside the new one.
const OVERLAP: TimeDelta = TimeDelta::hours(24);

/// An endpoint as answered; `now` decides whether the secret before the last rotation still
/// signs.
fn webhook_json(row: WebhookRow, events: Vec<EventType>, now: NaiveDateTime) -> Webhook {
    Webhook {
        id: row.id,
        owner_id: row.owner_id,
        url: row.url,
        description: row.description,
        events,
        enabled: row.enabled,
        disabled_reason: row.disabled_reason,
        previous_secret_expires_at: row
            .previous_secret
            .and(row.previous_secret_until)
            .filter(|&until| until > now)
            .map(|t| t.and_utc()),
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
    }
}

/// The address, if its shape is right and it leads to a public address (or private ones are
/// allowed); the field's error otherwise.
async fn checked_url(raw: &str, settings: &WebhookSettings) -> Result<EndpointUrl, Said> {
    let url = EndpointUrl::parse(raw, settings.https_only).map_err(|e: UrlError| e.said())?;
    guard::resolve(&url, settings.allow_private)
        .await
        .map_err(|refused| Said::of(Msg::UrlNotCallable, refused.said()))?;
    Ok(url)
}

fn checked_events(v: &mut Validator, names: &[String]) -> Option<Vec<EventType>> {
    match parse_events(names) {
        Ok(events) if events.is_empty() => {
            v.add("events", Said::new(Msg::NoEvents));
            None
        }
        Ok(events) => Some(events),
        Err(unknown) => {
            let known: Vec<&str> = EventType::ALL.iter().map(|e| e.as_str()).collect();
            let said = Said::with(Msg::UnknownEvents, [unknown.join(", "), known.join(", ")]);
            v.add("events", said);
            None
        }
    }
}

fn checked_description(v: &mut Validator, raw: Option<&str>) -> String {
    let checked = optional_line(raw.unwrap_or_default(), MAX_DESCRIPTION_CHARS);
    v.check("description", checked).unwrap_or_default()
}

/// Adds an endpoint; the answer holds its secret, shown this once.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    request_body = NewWebhook,
    responses(
        (status = CREATED, body = WebhookWithSecret, headers(("Location" = String, description = "The endpoint's address"))),
        (status = UNPROCESSABLE_ENTITY, description = "A bad or private address, no or unknown event types, too long a description", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks")]
pub async fn create_webhook(
    current: CurrentUser,
    body: Json<NewWebhook>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
    settings: web::Data<WebhookSettings>,
) -> Result<HttpResponse, ApiError> {
    let mut v = Validator::new();
    let url = checked_url(&body.url, &settings).await;
    let url = v.check("url", url);
    let events = checked_events(&mut v, &body.events);
    let description = checked_description(&mut v, body.description.as_deref());
    v.finish().map_err(ApiError::Validation)?;
    let (Some(url), Some(events)) = (url, events) else {
        return Err(ApiError::Internal("validated fields missing".into()));
    };
    let (owner_id, now, secret) = (current.id(), clock.now(), secret::generate());
    let kept = secret.clone();
    let (row, events) = blocking(&pool, move |conn| {
        write_transaction::<_, DbError, _>(conn, |conn| {
            let row = webhooks::insert(
                conn,
                &NewWebhookRow {
                    owner_id,
                    url: &url.url,
                    description: &description,
                    secret: &kept,
                    enabled: true,
                    created_at: now,
                    updated_at: now,
                },
                &events,
            )?;
            Ok((row, events))
        })
    })
    .await?;
    let id = row.id;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/webhooks/{id}")))
        .json(WebhookWithSecret {
            webhook: webhook_json(row, events, now),
            secret,
        }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WebhookListQuery {
    /// 1-based page number (default 1).
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    /// Items per page, 1 to 200 (default 20).
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
    /// `created_at`, `-` first for descending (default `-created_at`).
    #[param(schema_with = crate::routes::listing::sort_schema::<WebhookSort>)]
    pub sort: Option<String>,
    /// Managers: only this owner's endpoints.
    pub owner_id: Option<i64>,
}

/// Your endpoints (managers: everyone's, or one owner's), newest first; secrets are never shown.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(WebhookListQuery),
    responses(
        (status = OK, body = Page<Webhook>),
        (status = UNPROCESSABLE_ENTITY, description = "Invalid page, per_page or sort", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/webhooks")]
pub async fn list_webhooks(
    current: CurrentUser,
    query: web::Query<WebhookListQuery>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let now = clock.now();
    let list =
        ListRequest::<WebhookSort>::parse(query.page, query.per_page, query.sort.as_deref(), None)?;
    let owner = current.actor().list_scope(query.owner_id);
    let (descending, offset, limit) = (list.sort.descending, list.offset(), list.limit());
    let (rows, events, total) = blocking(&pool, move |conn| {
        let (rows, total) = webhooks::list(conn, owner, descending, offset, limit)?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let events = webhooks::events_of(conn, &ids)?;
        Ok::<_, ApiError>((rows, events, total))
    })
    .await?;
    let mut events = events;
    let items = rows
        .into_iter()
        .map(|row| {
            let of_row = events.remove(&row.id).unwrap_or_default();
            webhook_json(row, of_row, now)
        })
        .collect();
    Ok(HttpResponse::Ok().json(list.page_of(items, total)))
}

/// The endpoint `id`, if `current` may `intent` it (its deliveries' routes start here too).
pub(super) async fn load(
    pool: &DbPool,
    current: &CurrentUser,
    id: i64,
    intent: Intent,
) -> Result<WebhookRow, ApiError> {
    owned::load(
        pool,
        current,
        Said::with(Msg::ThingWebhook, [id]),
        intent,
        move |conn| webhooks::find(conn, id),
    )
    .await
}

async fn answer(pool: &DbPool, row: WebhookRow, now: NaiveDateTime) -> Result<Webhook, ApiError> {
    let id = row.id;
    let mut events = blocking(pool, move |conn| {
        Ok::<_, ApiError>(webhooks::events_of(conn, &[id])?)
    })
    .await?;
    Ok(webhook_json(
        row,
        events.remove(&id).unwrap_or_default(),
        now,
    ))
}

/// One endpoint.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The endpoint's id")),
    responses(
        (status = OK, body = Webhook),
        (status = NOT_FOUND, description = "No such endpoint of yours", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/webhooks/{id}")]
pub async fn get_webhook(
    current: CurrentUser,
    path: web::Path<i64>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let row = load(&pool, &current, path.into_inner(), Intent::Read).await?;
    Ok(HttpResponse::Ok().json(answer(&pool, row, clock.now()).await?))
}

/// Changes an endpoint: its address (checked again), events, description, or whether it is
/// enabled.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The endpoint's id")),
    request_body = WebhookPatch,
    responses(
        (status = OK, body = Webhook),
        (status = UNPROCESSABLE_ENTITY, description = "A bad or private address, no or unknown event types, too long a description", body = Problem, content_type = "application/problem+json"),
        (status = NOT_FOUND, description = "No such endpoint of yours", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "A manager changing someone else's endpoint", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/webhooks/{id}")]
pub async fn update_webhook(
    current: CurrentUser,
    path: web::Path<i64>,
    body: Json<WebhookPatch>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
    settings: web::Data<WebhookSettings>,
) -> Result<HttpResponse, ApiError> {
    let row = load(&pool, &current, path.into_inner(), Intent::Change).await?;
    let mut v = Validator::new();
    let url = match &body.url {
        Some(raw) => {
            let checked = checked_url(raw, &settings).await;
            v.check("url", checked).map(|u| u.url)
        }
        None => None,
    };
    let events = body
        .events
        .as_deref()
        .and_then(|names| checked_events(&mut v, names));
    let description = body
        .description
        .as_deref()
        .map(|d| checked_description(&mut v, Some(d)));
    v.finish().map_err(ApiError::Validation)?;
    let changes = WebhookChanges {
        url,
        description,
        enabled: body.enabled,
        // Enabled or disabled by its owner: the owner's word replaces whatever Mailroom said.
        disabled_reason: body.enabled.map(|_| None),
        failing_since: body.enabled.map(|_| None),
        updated_at: Some(clock.now()),
    };
    let id = row.id;
    let row = blocking(&pool, move |conn| {
        write_transaction::<_, DbError, _>(conn, |conn| {
            Ok(webhooks::update(conn, id, &changes, events.as_deref())?)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(answer(&pool, row, clock.now()).await?))
}

/// Deletes an endpoint: nothing more is sent to it.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The endpoint's id")),
    responses(
        (status = NO_CONTENT, description = "Deleted"),
        (status = NOT_FOUND, description = "No such endpoint of yours", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "A manager deleting someone else's endpoint", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/webhooks/{id}")]
pub async fn delete_webhook(
    current: CurrentUser,
    path: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let row = load(&pool, &current, path.into_inner(), Intent::Change).await?;
    blocking(&pool, move |conn| {
        Ok::<_, ApiError>(webhooks::delete(conn, row.id)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A new secret for an endpoint, shown this once; the old one keeps signing beside it for 24
/// hours (both signatures are in `webhook-signature`), so the receiver can switch over.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The endpoint's id")),
    responses(
        (status = OK, body = WebhookWithSecret),
        (status = NOT_FOUND, description = "No such endpoint of yours", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "A manager rotating someone else's secret", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks/{id}/rotate-secret")]
pub async fn rotate_webhook_secret(
    current: CurrentUser,
    path: web::Path<i64>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let row = load(&pool, &current, path.into_inner(), Intent::Change).await?;
    let (now, secret) = (clock.now(), secret::generate());
    let (id, kept) = (row.id, secret.clone());
    let row = blocking(&pool, move |conn| {
        Ok::<_, ApiError>(webhooks::rotate(conn, id, &kept, now + OVERLAP, now)?)
    })
    .await?;
    let webhook = answer(&pool, row, clock.now()).await?;
    Ok(HttpResponse::Ok().json(WebhookWithSecret { webhook, secret }))
}
