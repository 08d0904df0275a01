//! `POST /api/v1/mailings/{id}/duplicate`: a new mailing made from one of yours.

use actix_web::http::header;
use actix_web::{HttpResponse, post, web};
use mailroom_domain::wire::{Mailing, Problem};

use super::mailings::answer;
use super::owned::{self, Intent};
use crate::auth::CurrentUser;
use crate::clock::Clock;
use crate::db::{DbPool, blocking};
use crate::http::api_error::ApiError;
use crate::mailings as service;

/// Make a new mailing with the same message, audience and schedule, named "… (copy)" and dated
/// from now: never sent, enabled, and (when the original's start has passed) starting an hour from
/// now, as long as the original.
#[utoipa::path(
    tag = "mailings",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The mailing's id")),
    responses(
        (status = CREATED, body = Mailing, headers(("Location" = String, description = "The new mailing's address"))),
        (status = CONFLICT, description = "The mailing is disabled by a manager", body = Problem, content_type = "application/problem+json"),
        (status = NOT_FOUND, description = "No such mailing of yours", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "A manager copying someone else's mailing", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/mailings/{id}/duplicate")]
pub async fn duplicate_mailing(
    current: CurrentUser,
    path: web::Path<i64>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let now = clock.now();
    let row = owned::mailing(&pool, &current, path.into_inner(), Intent::Change).await?;
    let id = blocking(&pool, move |conn| service::duplicate(conn, &row, now)).await?;
    let mailing = answer(&pool, id, now).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/mailings/{id}")))
        .json(mailing))
}
