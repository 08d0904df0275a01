//! Delivery attempts, read-only: every try with the mail server's answer.

use std::collections::HashMap;
use std::str::FromStr;

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use mailroom_domain::AttemptStatus;
use mailroom_domain::listing::Sort;
use mailroom_domain::mailing::AttemptSort;
use mailroom_domain::validation::Validator;
use mailroom_domain::wire::{Attempt, DeliveryEvent, Page, PageRequest, Problem};
use serde::Deserialize;
use utoipa::IntoParams;

use super::cached::{CACHED_PAGES, respond, scope_of};
use super::owned::{self, Intent};
use crate::auth::CurrentUser;
use crate::cache::{Cache, Scope};
use crate::clock::Clock;
use crate::db::queries::attempts::{self, AttemptFilter};
use crate::db::queries::events;
use crate::db::rows::{AttemptRow, DeliveryEventRow};
use crate::db::{DbPool, blocking};
use crate::http::api_error::ApiError;

fn attempt_json(row: AttemptRow, events: &mut HashMap<i64, Vec<DeliveryEvent>>) -> Attempt {
    Attempt {
        status: row.status,
        id: row.id,
        mailing_id: row.mailing_id,
        client_email: row.client_email,
        attempted_at: row.attempted_at.and_utc(),
        server_response: row.server_response,
        run_id: row.run_id,
        events: events.remove(&row.id).unwrap_or_default(),
    }
}

/// The events of a page of attempts, by attempt.
fn events_by_attempt(rows: Vec<DeliveryEventRow>) -> HashMap<i64, Vec<DeliveryEvent>> {
    let mut by_attempt: HashMap<i64, Vec<DeliveryEvent>> = HashMap::new();
    for row in rows {
        let Some(attempt_id) = row.attempt_id else {
            continue;
        };
        by_attempt
            .entry(attempt_id)
            .or_default()
            .push(DeliveryEvent {
                kind: row.kind,
                source: row.source,
                detail: row.detail,
                created_at: row.created_at.and_utc(),
            });
    }
    by_attempt
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AttemptListQuery {
    /// 1-based page number (default 1).
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    /// Items per page, 1 to 200 (default 20).
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
    /// `success` or `failure`.
    #[param(value_type = Option<AttemptStatus>)]
    pub status: Option<String>,
    /// `attempted_at` or `-attempted_at` (default: newest first).
    #[param(schema_with = crate::routes::listing::sort_schema::<AttemptSort>)]
    pub sort: Option<String>,
    /// Only attempts whose client address contains this text (any case).
    pub q: Option<String>,
    /// Only attempts at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Only attempts before this time; after `from` when both are given.
    pub to: Option<DateTime<Utc>>,
    /// Only this mailing's attempts.
    pub mailing_id: Option<i64>,
    /// Managers: only attempts of this owner's mailings.
    pub owner_id: Option<i64>,
}

/// A checked attempts query: the filter, the page and the order.
struct Checked {
    filter: AttemptFilter,
    page: PageRequest,
    sort: Sort<AttemptSort>,
}

fn check(mut filter: AttemptFilter, query: &AttemptListQuery) -> Result<Checked, ApiError> {
    let mut v = Validator::new();
    let page = PageRequest::check(&mut v, query.page, query.per_page);
    let sort = v.check("sort", Sort::<AttemptSort>::parse(query.sort.as_deref()));
    if let Some(raw) = &query.status {
        filter.status = v.check("status", AttemptStatus::from_str(raw));
    }
    if let (Some(from), Some(to)) = (query.from, query.to)
        && to <= from
    {
        v.add(
            "to",
            mailroom_domain::catalogue::Said::new(mailroom_domain::catalogue::Msg::ToBeforeFrom),
        );
    }
    v.finish().map_err(ApiError::Validation)?;
    let (Some(page), Some(sort)) = (page, sort) else {
        return Err(ApiError::Internal("validated query missing".into()));
    };
    filter.search = query
        .q
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(str::to_owned);
    filter.from = query.from.map(|t| t.naive_utc());
    filter.to = query.to.map(|t| t.naive_utc());
    Ok(Checked { filter, page, sort })
}

/// A page of attempts, through the cache for the first pages; `scope` is whose attempts they are.
async fn answer(
    pool: &DbPool,
    cache: &Cache,
    scope: Scope,
    now: chrono::NaiveDateTime,
    checked: Checked,
) -> Result<HttpResponse, ApiError> {
    let Checked { filter, page, sort } = checked;
    let place = (page.page <= CACHED_PAGES).then(|| {
        let key = format!(
            "attempts:{filter:?}:{}:{}:{sort:?}",
            page.page, page.per_page
        );
        (scope, key)
    });
    respond(cache, place, now, || async move {
        let (rows, total, events) = blocking(pool, move |conn| {
            let (rows, total) = attempts::list(
                conn,
                &filter,
                sort,
                page.offset() as i64,
                i64::from(page.per_page),
            )?;
            let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
            let events = events::of_attempts(conn, &ids)?;
            Ok::<_, ApiError>((rows, total, events))
        })
        .await?;
        let mut events = events_by_attempt(events);
        let page = Page {
            items: rows
                .into_iter()
                .map(|row| attempt_json(row, &mut events))
                .collect(),
            total: total as u64,
            page: page.page,
            per_page: page.per_page,
        };
        Ok((page, None))
    })
    .await
}

/// One mailing's attempts, newest first unless sorted otherwise.
#[utoipa::path(
    tag = "attempts",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The mailing's id"), AttemptListQuery),
    responses(
        (status = OK, body = Page<Attempt>),
        (status = UNPROCESSABLE_ENTITY, description = "Invalid filter or page", body = Problem, content_type = "application/problem+json"),
        (status = NOT_FOUND, description = "No such mailing of yours", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/mailings/{id}/attempts")]
pub async fn mailing_attempts(
    current: CurrentUser,
    path: web::Path<i64>,
    query: web::Query<AttemptListQuery>,
    pool: web::Data<DbPool>,
    cache: web::Data<Cache>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let mailing = owned::mailing(&pool, &current, id, Intent::Read).await?;
    let filter = AttemptFilter {
        mailing_id: Some(id),
        ..AttemptFilter::default()
    };
    let checked = check(filter, &query)?;
    let scope = Scope::Owner(mailing.owner_id);
    answer(&pool, &cache, scope, clock.now(), checked).await
}

/// Attempts across the signed-in user's mailings (managers: everyone's), newest first unless sorted
/// otherwise.
#[utoipa::path(
    tag = "attempts",
    security(("bearer" = [])),
    params(AttemptListQuery),
    responses(
        (status = OK, body = Page<Attempt>),
        (status = UNPROCESSABLE_ENTITY, description = "Invalid filter or page", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/attempts")]
pub async fn list_attempts(
    current: CurrentUser,
    query: web::Query<AttemptListQuery>,
    pool: web::Data<DbPool>,
    cache: web::Data<Cache>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let filter = AttemptFilter {
        owner_id: current.actor().list_scope(query.owner_id),
        mailing_id: query.mailing_id,
        ..AttemptFilter::default()
    };
    let scope = scope_of(filter.owner_id);
    let checked = check(filter, &query)?;
    answer(&pool, &cache, scope, clock.now(), checked).await
}
