//! An endpoint's deliveries: the log of every call with each try (status or error, duration,
//! next try), resending one, and a test event. Scoped like the endpoint itself: another user's
//! answers 404; managers read every log and resend nothing but their own.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, post, web};
use mailroom_domain::catalogue::{Msg, Said};
use mailroom_domain::webhook_delivery::DeliveryState;
use mailroom_domain::wire::{
    Page, Problem, TestData, WebhookDelivery, WebhookDeliverySort, WebhookTry,
};
use serde::Deserialize;
use utoipa::IntoParams;

use super::listing::ListRequest;
use super::owned::Intent;
use super::webhooks::load;
use crate::auth::CurrentUser;
use crate::clock::Clock;
use crate::db::queries::webhook_deliveries;
use crate::db::rows::{WebhookDeliveryRow, WebhookTryRow};
use crate::db::{DbError, DbPool, blocking, write_transaction};
use crate::http::api_error::ApiError;
use crate::jobs::BackgroundJob;
use crate::webhooks::deliver::{self, DeliverWebhook, WebhookContext};
use crate::webhooks::outbox;

fn delivery_json(row: WebhookDeliveryRow, tries: Vec<WebhookTryRow>) -> WebhookDelivery {
    let last = tries.last();
    let (last_status, last_duration_ms) = (
        last.and_then(|t| t.status_code),
        last.map(|t| t.duration_ms),
    );
    WebhookDelivery {
        id: row.id,
        webhook_id: row.webhook_id,
        event: row.event_type,
        message_id: row.message_id,
        items: row.items,
        state: row.state,
        tries: row.tries,
        last_status,
        last_error: row.last_error,
        last_duration_ms,
        next_try_at: row
            .next_try_at
            .filter(|_| row.state == DeliveryState::Pending)
            .map(|t| t.and_utc()),
        created_at: row.created_at.and_utc(),
        attempts: tries
            .into_iter()
            .map(|t| WebhookTry {
                tried_at: t.tried_at.and_utc(),
                status_code: t.status_code,
                error: t.error,
                duration_ms: t.duration_ms,
            })
            .collect(),
    }
}

/// The delivery as answered, read again with its tries.
async fn answer(pool: &DbPool, id: i64) -> Result<WebhookDelivery, ApiError> {
    let (row, mut tries) = blocking(pool, move |conn| {
        let row = webhook_deliveries::find(conn, id)?
            .ok_or_else(|| ApiError::missing(Said::with(Msg::ThingDelivery, [id])))?;
        let tries = webhook_deliveries::tries_of(conn, &[id])?;
        Ok::<_, ApiError>((row, tries))
    })
    .await?;
    Ok(delivery_json(row, tries.remove(&id).unwrap_or_default()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryListQuery {
    /// 1-based page number (default 1).
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    /// Items per page, 1 to 200 (default 20).
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
    /// `created_at`, `-` first for descending (default `-created_at`).
    #[param(schema_with = crate::routes::listing::sort_schema::<WebhookDeliverySort>)]
    pub sort: Option<String>,
}

/// The endpoint's deliveries, newest first, each with every try.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The endpoint's id"), DeliveryListQuery),
    responses(
        (status = OK, body = Page<WebhookDelivery>),
        (status = UNPROCESSABLE_ENTITY, description = "Invalid page, per_page or sort", body = Problem, content_type = "application/problem+json"),
        (status = NOT_FOUND, description = "No such endpoint of yours", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/webhooks/{id}/deliveries")]
pub async fn list_webhook_deliveries(
    current: CurrentUser,
    path: web::Path<i64>,
    query: web::Query<DeliveryListQuery>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let list = ListRequest::<WebhookDeliverySort>::parse(
        query.page,
        query.per_page,
        query.sort.as_deref(),
        None,
    )?;
    let row = load(&pool, &current, path.into_inner(), Intent::Read).await?;
    let (descending, offset, limit) = (list.sort.descending, list.offset(), list.limit());
    let (rows, mut tries, total) = blocking(&pool, move |conn| {
        let (rows, total) = webhook_deliveries::list(conn, row.id, descending, offset, limit)?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let tries: HashMap<i64, Vec<WebhookTryRow>> = webhook_deliveries::tries_of(conn, &ids)?;
        Ok::<_, ApiError>((rows, tries, total))
    })
    .await?;
    let items = rows
        .into_iter()
        .map(|row| {
            let of_row = tries.remove(&row.id).unwrap_or_default();
            delivery_json(row, of_row)
        })
        .collect();
    Ok(HttpResponse::Ok().json(list.page_of(items, total)))
}

/// Sends one delivery again, with the same `webhook-id` (a receiver that kept it drops it), at
/// once: it is due now, whatever became of it, and its retry schedule starts over.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "The endpoint's id"),
        ("delivery_id" = i64, Path, description = "The delivery's id"),
    ),
    responses(
        (status = ACCEPTED, description = "Due now: a worker sends it within moments", body = WebhookDelivery),
        (status = NOT_FOUND, description = "No such endpoint of yours, or no such delivery of it", body = Problem, content_type = "application/problem+json"),
        (status = CONFLICT, description = "The endpoint is disabled, or a try of the delivery is under way", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "A manager resending someone else's delivery", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks/{id}/deliveries/{delivery_id}/retry")]
pub async fn retry_webhook_delivery(
    current: CurrentUser,
    path: web::Path<(i64, i64)>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let (webhook_id, delivery_id) = path.into_inner();
    let row = load(&pool, &current, webhook_id, Intent::Change).await?;
    if !row.enabled {
        return Err(ApiError::Conflict(Said::new(Msg::EndpointDisabledResend)));
    }
    let now = clock.now();
    blocking(&pool, move |conn| {
        write_transaction::<_, ApiError, _>(conn, |conn| {
            let found = webhook_deliveries::find(conn, delivery_id)?
                .filter(|d| d.webhook_id == webhook_id)
                .ok_or_else(|| ApiError::missing(Said::with(Msg::ThingDelivery, [delivery_id])))?;
            let Some(schedule) = webhook_deliveries::reschedule(conn, found.id, now)? else {
                return Err(ApiError::Conflict(Said::new(Msg::DeliveryUnderWay)));
            };
            DeliverWebhook {
                delivery: found.id,
                schedule,
            }
            .enqueue(conn, now)
            .map_err(ApiError::from)?;
            Ok(())
        })
    })
    .await?;
    Ok(HttpResponse::Accepted().json(answer(&pool, delivery_id).await?))
}

/// Sends the endpoint a `webhook.test` event now, whatever events it is sent, and answers with
/// the delivery and the try's outcome (a failed try is retried like any other).
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The endpoint's id")),
    responses(
        (status = OK, description = "Tried: the delivery, with the receiver's answer or why there was none", body = WebhookDelivery),
        (status = NOT_FOUND, description = "No such endpoint of yours", body = Problem, content_type = "application/problem+json"),
        (status = CONFLICT, description = "The endpoint is disabled", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "A manager testing someone else's endpoint", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks/{id}/test")]
pub async fn test_webhook(
    current: CurrentUser,
    path: web::Path<i64>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
    context: web::Data<WebhookContext>,
) -> Result<HttpResponse, ApiError> {
    let row = load(&pool, &current, path.into_inner(), Intent::Change).await?;
    if !row.enabled {
        return Err(ApiError::Conflict(Said::new(Msg::EndpointDisabledTest)));
    }
    let (webhook_id, now) = (row.id, clock.now());
    let data = TestData {
        webhook_id,
        message: "A test event from Mailroom: this endpoint receives what it subscribes to.".into(),
    };
    let id = blocking(&pool, move |conn| {
        write_transaction::<_, DbError, _>(conn, |conn| outbox::test(conn, webhook_id, &data, now))
    })
    .await?;
    // Tried here, at once; the job written with it finds it done (or retries it, if it failed).
    deliver::try_once(&context, id, 0).await?;
    Ok(HttpResponse::Ok().json(answer(&pool, id).await?))
}
