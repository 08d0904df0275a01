//! `/api/v1/mailings/{id}/runs/{run_id}/pause`, `/resume` and `/cancel`: the owner's controls of
//! a run that is sending.

use actix_web::{HttpResponse, post, web};
use mailroom_domain::catalogue::{Msg, Said};
use mailroom_domain::run_control::RunAction;
use mailroom_domain::wire::{Problem, Run};

use super::owned::{self, Intent};
use crate::auth::CurrentUser;
use crate::clock::Clock;
use crate::db::{DbPool, blocking};
use crate::http::api_error::ApiError;
use crate::mailings::view;
use crate::sending::LocalWorker;
use crate::sending::control::{self, ControlError};

impl From<ControlError> for ApiError {
    fn from(error: ControlError) -> Self {
        match error {
            ControlError::NoRun { mailing, run } => {
                ApiError::missing(Said::with(Msg::ThingRun, [run, mailing]))
            }
            ControlError::Refused(refusal) => ApiError::conflict(&refusal),
            ControlError::Db(e) => e.into(),
        }
    }
}

async fn apply(
    current: CurrentUser,
    (id, run_id): (i64, i64),
    pool: &DbPool,
    clock: &dyn Clock,
    action: RunAction,
) -> Result<HttpResponse, ApiError> {
    let mailing = owned::mailing(pool, &current, id, Intent::Change).await?;
    let now = clock.now();
    let row = blocking(pool, move |conn| {
        Ok::<_, ApiError>(control::apply(conn, mailing.id, run_id, action, now)?)
    })
    .await?;
    tracing::info!(mailing = id, run = run_id, ?action, "run controlled");
    Ok(HttpResponse::Ok().json(view::run(row)))
}

/// Pause a run: its queued deliveries wait (those a worker is sending finish).
#[utoipa::path(
    tag = "sending",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "The mailing's id"),
        ("run_id" = i64, Path, description = "The run's id"),
    ),
    responses(
        (status = OK, description = "Paused", body = Run),
        (status = CONFLICT, description = "The run is over, or paused already", body = Problem, content_type = "application/problem+json"),
        (status = NOT_FOUND, description = "No such mailing of yours, or no such run of it", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "A manager controlling someone else's run", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/mailings/{id}/runs/{run_id}/pause")]
pub async fn pause_run(
    current: CurrentUser,
    path: web::Path<(i64, i64)>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    apply(
        current,
        path.into_inner(),
        &pool,
        &**clock,
        RunAction::Pause,
    )
    .await
}

/// Resume a paused run: its queued deliveries go on.
#[utoipa::path(
    tag = "sending",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "The mailing's id"),
        ("run_id" = i64, Path, description = "The run's id"),
    ),
    responses(
        (status = OK, description = "Sending again", body = Run),
        (status = CONFLICT, description = "The run is over, or not paused", body = Problem, content_type = "application/problem+json"),
        (status = NOT_FOUND, description = "No such mailing of yours, or no such run of it", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "A manager controlling someone else's run", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/mailings/{id}/runs/{run_id}/resume")]
pub async fn resume_run(
    current: CurrentUser,
    path: web::Path<(i64, i64)>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
    local: web::Data<LocalWorker>,
) -> Result<HttpResponse, ApiError> {
    let answer = apply(
        current,
        path.into_inner(),
        &pool,
        &**clock,
        RunAction::Resume,
    )
    .await?;
    local.wake();
    Ok(answer)
}

/// Cancel a run, paused or not: its queued deliveries are recorded as cancelled (those a worker
/// is sending finish), and the mailing may be sent again.
#[utoipa::path(
    tag = "sending",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "The mailing's id"),
        ("run_id" = i64, Path, description = "The run's id"),
    ),
    responses(
        (status = OK, description = "Cancelled", body = Run),
        (status = CONFLICT, description = "The run is over", body = Problem, content_type = "application/problem+json"),
        (status = NOT_FOUND, description = "No such mailing of yours, or no such run of it", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "A manager controlling someone else's run", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/mailings/{id}/runs/{run_id}/cancel")]
pub async fn cancel_run(
    current: CurrentUser,
    path: web::Path<(i64, i64)>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    apply(
        current,
        path.into_inner(),
        &pool,
        &**clock,
        RunAction::Cancel,
    )
    .await
}
