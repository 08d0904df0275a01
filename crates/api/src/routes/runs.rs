//! `/api/v1/mailings/{id}/send` and `/runs`: sending a mailing now, and how its runs went.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use mailroom_domain::catalogue::{Msg, Said};
use mailroom_domain::validation::Validator;
use mailroom_domain::wire::{Page, PageRequest, Problem, Run};
use serde::Deserialize;
use utoipa::IntoParams;

use super::owned::{self, Intent};
use crate::auth::CurrentUser;
use crate::clock::Clock;
use crate::db::queries::runs;
use crate::db::{DbPool, blocking};
use crate::http::api_error::ApiError;
use crate::mailings::view;
use crate::sending::LocalWorker;
use crate::sending::start::{self, StartError};

impl From<StartError> for ApiError {
    fn from(error: StartError) -> Self {
        match error {
            StartError::NoMailing(id) => ApiError::missing(Said::with(Msg::ThingMailing, [id])),
            StartError::Refused(refusal) => ApiError::conflict(&refusal),
            StartError::Busy(run) => ApiError::Conflict(Said::with(Msg::RunBusy, [run])),
            StartError::Db(e) => e.into(),
        }
    }
}

/// Send a mailing now: queue one delivery per client (unsubscribed clients are left out).
#[utoipa::path(
    tag = "sending",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The mailing's id")),
    responses(
        (status = ACCEPTED, description = "Queued; follow the run at its Location", body = Run, headers(("Location" = String, description = "The run's address"))),
        (status = CONFLICT, description = "The mailing ended, is disabled, its owner is blocked, or a run of it is still sending", body = Problem, content_type = "application/problem+json"),
        (status = NOT_FOUND, description = "No such mailing of yours", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "A manager sending someone else's mailing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/mailings/{id}/send")]
pub async fn send_mailing(
    current: CurrentUser,
    path: web::Path<i64>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
    local: web::Data<LocalWorker>,
) -> Result<HttpResponse, ApiError> {
    let mailing = owned::mailing(&pool, &current, path.into_inner(), Intent::Change).await?;
    let now = clock.now();
    let row = blocking(&pool, move |conn| {
        Ok::<_, ApiError>(start::start_now(conn, mailing.id, now)?)
    })
    .await?;
    local.wake();
    tracing::info!(
        mailing = row.mailing_id,
        run = row.id,
        deliveries = row.total,
        "run queued"
    );
    let location = format!("/api/v1/mailings/{}/runs/{}", row.mailing_id, row.id);
    let run = view::run(row);
    Ok(HttpResponse::Accepted()
        .insert_header((header::LOCATION, location))
        .json(run))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RunListQuery {
    /// 1-based page number (default 1).
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    /// Items per page, 1 to 200 (default 20).
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

/// A mailing's runs, newest first, each with its figures.
#[utoipa::path(
    tag = "sending",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The mailing's id"), RunListQuery),
    responses(
        (status = OK, body = Page<Run>),
        (status = UNPROCESSABLE_ENTITY, description = "Invalid page or per_page", body = Problem, content_type = "application/problem+json"),
        (status = NOT_FOUND, description = "No such mailing of yours", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/mailings/{id}/runs")]
pub async fn list_runs(
    current: CurrentUser,
    path: web::Path<i64>,
    query: web::Query<RunListQuery>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let mut v = Validator::new();
    let page = PageRequest::check(&mut v, query.page, query.per_page);
    v.finish().map_err(ApiError::Validation)?;
    let page = page.ok_or_else(|| ApiError::Internal("validated page missing".into()))?;
    let mailing = owned::mailing(&pool, &current, path.into_inner(), Intent::Read).await?;
    let offset = i64::try_from(page.offset()).unwrap_or(i64::MAX);
    let limit = i64::from(page.per_page);
    let (rows, total) = blocking(&pool, move |conn| {
        Ok::<_, ApiError>(runs::list(conn, mailing.id, offset, limit)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page {
        items: rows.into_iter().map(view::run).collect(),
        total: u64::try_from(total).unwrap_or_default(),
        page: page.page,
        per_page: page.per_page,
    }))
}

/// One run of a mailing: total, sent, failed, cancelled and pending deliveries, started and
/// finished times.
#[utoipa::path(
    tag = "sending",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "The mailing's id"),
        ("run_id" = i64, Path, description = "The run's id"),
    ),
    responses(
        (status = OK, body = Run),
        (status = NOT_FOUND, description = "No such mailing of yours, or no such run of it", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/mailings/{id}/runs/{run_id}")]
pub async fn get_run(
    current: CurrentUser,
    path: web::Path<(i64, i64)>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let (id, run_id) = path.into_inner();
    let mailing = owned::mailing(&pool, &current, id, Intent::Read).await?;
    let row = blocking(&pool, move |conn| {
        runs::find(conn, run_id)?
            .filter(|r| r.mailing_id == mailing.id)
            .ok_or_else(|| ApiError::missing(Said::with(Msg::ThingRun, [run_id, id])))
    })
    .await?;
    Ok(HttpResponse::Ok().json(view::run(row)))
}
