//! `POST /api/v1/clients/bulk`: one change to every client a filter selects.

use actix_web::{HttpResponse, post, web};
use mailroom_domain::catalogue::{Msg, Said};
use mailroom_domain::selection::BulkChange;
use mailroom_domain::tag::MAX_TAGS_PER_CLIENT;
use mailroom_domain::wire::{BulkClientsRequest, BulkClientsResult, FieldError, Problem};

use crate::auth::CurrentUser;
use crate::clients::bulk::{self, BulkError};
use crate::clock::Clock;
use crate::db::{DbPool, blocking};
use crate::http::api_error::ApiError;
use crate::http::json::Json;

/// Tag, untag or delete every client of yours the filter selects, all or nothing. Managers change
/// only their own clients here too.
#[utoipa::path(
    tag = "clients",
    security(("bearer" = [])),
    request_body = BulkClientsRequest,
    responses(
        (status = OK, body = BulkClientsResult),
        (status = UNPROCESSABLE_ENTITY, description = "Invalid filter or tags, nothing to do, or a client would carry more than 50 tags; nothing was changed", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/clients/bulk")]
pub async fn bulk_clients(
    current: CurrentUser,
    body: Json<BulkClientsRequest>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let now = clock.now();
    let change = BulkChange::parse(&body).map_err(ApiError::Validation)?;
    let owner_id = current.id();
    let changed = blocking(&pool, move |conn| {
        bulk::apply(conn, owner_id, change, now).map_err(|e| match e {
            BulkError::TooManyTags(over) => {
                let said = Said::with(Msg::BulkTooManyTags, [over, MAX_TAGS_PER_CLIENT]);
                ApiError::Validation(vec![FieldError::new("add_tags", said)])
            }
            BulkError::Db(db) => db.into(),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(BulkClientsResult { changed }))
}
