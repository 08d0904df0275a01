//! `/api/v1/suppressions`: the addresses the signed-in user's mailings no longer send to. Hard
//! bounces and complaints put addresses here by themselves; people add and remove them by hand.
//! Managers read everyone's lists and change none but their own.

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, post, web};
use mailroom_domain::EmailAddress;
use mailroom_domain::bounce::SuppressionReason;
use mailroom_domain::catalogue::{Msg, Said};
use mailroom_domain::validation::{Validator, optional_text};
use mailroom_domain::wire::{NewSuppression, Page, Problem, Suppression, SuppressionSort};
use serde::Deserialize;
use utoipa::IntoParams;

use super::cached::respond;
use super::listing::ListRequest;
use super::owned::{self, Intent};
use crate::auth::CurrentUser;
use crate::bounces::{DETAIL_CHARS, export};
use crate::cache::Cache;
use crate::clock::Clock;
use crate::db::queries::events;
use crate::db::queries::suppressions::{self, SuppressionFilter};
use crate::db::rows::{NewSuppressionRow, SuppressionRow};
use crate::db::{DbError, DbPool, blocking, write_transaction};
use crate::http::api_error::ApiError;
use crate::http::json::Json;

pub fn suppression_json(row: SuppressionRow) -> Suppression {
    Suppression {
        id: row.id,
        email: row.email,
        reason: row.reason,
        detail: row.detail,
        mailing_id: row.mailing_id,
        owner_id: row.owner_id,
        created_at: row.created_at.and_utc(),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuppressionListQuery {
    /// 1-based page number (default 1).
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    /// Items per page, 1 to 200 (default 20).
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
    /// `created_at` or `email`, `-` first for descending (default `-created_at`).
    #[param(schema_with = crate::routes::listing::sort_schema::<SuppressionSort>)]
    pub sort: Option<String>,
    /// Only addresses containing this text (any case).
    pub q: Option<String>,
    /// Managers: only this owner's list.
    pub owner_id: Option<i64>,
}

/// The export's query: the list's, without paging (the file holds every entry it finds).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuppressionExportQuery {
    /// `created_at` or `email`, `-` first for descending (default `-created_at`).
    #[param(schema_with = crate::routes::listing::sort_schema::<SuppressionSort>)]
    pub sort: Option<String>,
    /// Only addresses containing this text (any case).
    pub q: Option<String>,
    /// Managers: only this owner's list.
    pub owner_id: Option<i64>,
}

/// Your suppression list (managers: everyone's, or one owner's), newest first unless sorted
/// otherwise.
#[utoipa::path(
    tag = "suppressions",
    security(("bearer" = [])),
    params(SuppressionListQuery),
    responses(
        (status = OK, body = Page<Suppression>),
        (status = UNPROCESSABLE_ENTITY, description = "Invalid page, per_page or sort", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/suppressions")]
pub async fn list_suppressions(
    current: CurrentUser,
    query: web::Query<SuppressionListQuery>,
    pool: web::Data<DbPool>,
    cache: web::Data<Cache>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let list = ListRequest::<SuppressionSort>::parse(
        query.page,
        query.per_page,
        query.sort.as_deref(),
        query.q.as_deref(),
    )?;
    let filter = SuppressionFilter {
        owner_id: current.actor().list_scope(query.owner_id),
        search: list.search.clone(),
    };
    let place = list.cache_place("suppressions", filter.owner_id);
    let (sort, offset, limit) = (list.sort, list.offset(), list.limit());
    respond(&cache, place, clock.now(), || async move {
        let (rows, total) = blocking(&pool, move |conn| {
            Ok::<_, ApiError>(suppressions::list(conn, &filter, sort, offset, limit)?)
        })
        .await?;
        let items = rows.into_iter().map(suppression_json).collect();
        Ok((list.page_of(items, total), None))
    })
    .await
}

/// Your suppression list as CSV (`email,reason,detail,mailing_id,created_at`), streamed in the
/// list's order (`sort`) with its search; managers get everyone's, or one owner's.
#[utoipa::path(
    tag = "suppressions",
    security(("bearer" = [])),
    params(SuppressionExportQuery),
    responses(
        (status = OK, description = "The list as CSV", content_type = "text/csv", body = String),
        (status = UNPROCESSABLE_ENTITY, description = "Invalid sort", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/suppressions/export")]
pub async fn export_suppressions(
    current: CurrentUser,
    query: web::Query<SuppressionExportQuery>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    // Read as the list reads it (paging aside), so that the file holds what the list showed.
    let list = ListRequest::<SuppressionSort>::parse(
        None,
        None,
        query.sort.as_deref(),
        query.q.as_deref(),
    )?;
    let filter = SuppressionFilter {
        owner_id: current.actor().list_scope(query.owner_id),
        search: list.search,
    };
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"suppressions.csv\"",
        ))
        .streaming(export::stream(pool.get_ref().clone(), filter, list.sort)))
}

/// Suppress an address by hand (reason `manual`): your mailings send it nothing more.
#[utoipa::path(
    tag = "suppressions",
    security(("bearer" = [])),
    request_body = NewSuppression,
    responses(
        (status = CREATED, body = Suppression, headers(("Location" = String, description = "The entry's address"))),
        (status = UNPROCESSABLE_ENTITY, description = "Not an email address, or too long a detail", body = Problem, content_type = "application/problem+json"),
        (status = CONFLICT, description = "The address is on your list already", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/suppressions")]
pub async fn add_suppression(
    current: CurrentUser,
    body: Json<NewSuppression>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let mut v = Validator::new();
    let email = v.check("email", EmailAddress::parse(&body.email));
    // No NUL either: PostgreSQL's text refuses it.
    let detail = v.check(
        "detail",
        optional_text(body.detail.as_deref().unwrap_or_default(), DETAIL_CHARS),
    );
    v.finish().map_err(ApiError::Validation)?;
    let (Some(email), Some(detail)) = (email, detail) else {
        return Err(ApiError::Internal("validated fields missing".into()));
    };
    let (owner_id, now) = (current.id(), clock.now());
    let added = blocking(&pool, move |conn| {
        write_transaction::<_, DbError, _>(conn, |conn| {
            let added = suppressions::add(
                conn,
                &NewSuppressionRow {
                    owner_id,
                    email: email.as_ref(),
                    reason: SuppressionReason::Manual,
                    detail: &detail,
                    mailing_id: None,
                    created_at: now,
                },
            )?;
            match added {
                Some(row) => {
                    crate::webhooks::outbox::suppressed(conn, &row, now)?;
                    Ok(Ok(row))
                }
                None => Ok(Err(email.to_string())),
            }
        })
    })
    .await?
    .map_err(|email| ApiError::Conflict(Said::with(Msg::SuppressedAlready, [email])))?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/suppressions/{}", added.id),
        ))
        .json(suppression_json(added)))
}

/// Take an address off your list (its owner fixed their mailbox): your mailings send to it
/// again from their next run.
#[utoipa::path(
    tag = "suppressions",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The entry's id")),
    responses(
        (status = NO_CONTENT, description = "Removed"),
        (status = NOT_FOUND, description = "No such entry on your list", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "A manager removing someone else's entry", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/suppressions/{id}")]
pub async fn delete_suppression(
    current: CurrentUser,
    path: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let row = owned::load(
        &pool,
        &current,
        Said::with(Msg::ThingSuppression, [id]),
        Intent::Change,
        move |conn| suppressions::find(conn, id),
    )
    .await?;
    blocking(&pool, move |conn| {
        write_transaction::<_, DbError, _>(conn, |conn| {
            suppressions::delete(conn, row.id)?;
            // The person fixed their mailbox: old soft bounces must not suppress it at the next.
            events::end_streak(conn, row.owner_id, &row.email)?;
            Ok(())
        })
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
