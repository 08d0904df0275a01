//! `/api/v1/mailings`: a message sent to clients between a start and an end time.

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use chrono::NaiveDateTime;

use mailroom_domain::audience::AudienceKind;
use mailroom_domain::catalogue::{Msg, Said};
use mailroom_domain::mailing::{MailingFields, MailingInput, MailingSort};
use mailroom_domain::wire::{FieldError, Mailing, MailingPatch, MailingRequest, Page, Problem};
use serde::Deserialize;
use utoipa::IntoParams;

use super::cached::respond;
use super::listing::ListRequest;
use super::owned::{self, Intent};
use tracing_actix_web::RequestId;

use crate::audit;
use crate::auth::CurrentUser;
use crate::cache::Cache;
use crate::clock::Clock;
use crate::db::queries::mailings::{self, MailingFilter};
use crate::db::{DbPool, blocking};
use crate::http::api_error::ApiError;
use crate::http::json::Json;
use crate::mailings::{self as service, MailingError, view};

impl From<MailingError> for ApiError {
    fn from(error: MailingError) -> Self {
        match error {
            MailingError::NotFound(id) => ApiError::missing(Said::with(Msg::ThingMailing, [id])),
            MailingError::Invalid(errors) => ApiError::Validation(errors),
            MailingError::Refused(refusal) => ApiError::conflict(&refusal),
            MailingError::NotChosen(kind) => {
                let kind = Said::new(match kind {
                    AudienceKind::All => Msg::AudienceAll,
                    AudienceKind::Segment => Msg::AudienceSegment,
                    AudienceKind::Clients => Msg::AudienceClients,
                });
                ApiError::Conflict(Said::of(Msg::AudienceNotChosen, kind))
            }
            MailingError::Disabled(id) => ApiError::Conflict(Said::with(Msg::CopyOfDisabled, [id])),
            MailingError::Db(e) => e.into(),
        }
    }
}

/// One mailing as answered.
pub(super) async fn answer(
    pool: &DbPool,
    id: i64,
    now: NaiveDateTime,
) -> Result<Mailing, ApiError> {
    blocking(pool, move |conn| {
        view::find(conn, id, now)?
            .ok_or_else(|| ApiError::missing(Said::with(Msg::ThingMailing, [id])))
    })
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MailingListQuery {
    /// 1-based page number (default 1).
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    /// Items per page, 1 to 200 (default 20).
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
    /// created_at, starts_at or ends_at; a leading - sorts descending (default -created_at).
    #[param(schema_with = crate::routes::listing::sort_schema::<MailingSort>)]
    pub sort: Option<String>,
    /// Only mailings whose name contains this text (any case).
    pub q: Option<String>,
    /// Managers: only this owner's mailings.
    pub owner_id: Option<i64>,
}

/// The mailings of the signed-in user (managers: everyone's, or one owner's).
#[utoipa::path(
    tag = "mailings",
    security(("bearer" = [])),
    params(MailingListQuery),
    responses(
        (status = OK, body = Page<Mailing>),
        (status = UNPROCESSABLE_ENTITY, description = "Invalid page, per_page or sort", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/mailings")]
pub async fn list_mailings(
    current: CurrentUser,
    query: web::Query<MailingListQuery>,
    pool: web::Data<DbPool>,
    cache: web::Data<Cache>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let now = clock.now();
    let list = ListRequest::<MailingSort>::parse(
        query.page,
        query.per_page,
        query.sort.as_deref(),
        query.q.as_deref(),
    )?;
    let filter = MailingFilter {
        owner_id: current.actor().list_scope(query.owner_id),
        search: list.search.clone(),
    };
    let place = list.cache_place("mailings", filter.owner_id);
    let (sort, offset, limit) = (list.sort, list.offset(), list.limit());
    respond(&cache, place, now, || async move {
        let (items, total) = blocking(&pool, move |conn| {
            let (rows, total) = mailings::list(conn, &filter, sort, offset, limit)?;
            Ok::<_, ApiError>((view::answer_all(conn, rows, now)?, total))
        })
        .await?;
        // A listed mailing completes at its end time, without any write.
        let next_end = items
            .iter()
            .map(|m| m.ends_at.naive_utc())
            .filter(|end| *end > now)
            .min();
        Ok((list.page_of(items, total), next_end))
    })
    .await
}

/// Create a mailing of one of your messages to an audience of your clients: all of them, a
/// segment by tags, or chosen ones (`client_ids` alone still means those).
#[utoipa::path(
    tag = "mailings",
    security(("bearer" = [])),
    request_body = MailingRequest,
    responses(
        (status = CREATED, body = Mailing, headers(("Location" = String, description = "The new mailing's address"))),
        (status = UNPROCESSABLE_ENTITY, description = "Invalid name, times or audience, or a message or clients that are not yours (named)", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/mailings")]
pub async fn create_mailing(
    current: CurrentUser,
    body: Json<MailingRequest>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let now = clock.now();
    let fields = MailingFields::parse(input(&body), None).map_err(ApiError::Validation)?;
    let owner_id = current.id();
    let id = blocking(&pool, move |conn| {
        service::create(conn, owner_id, fields, now)
    })
    .await?;
    let mailing = answer(&pool, id, now).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/mailings/{id}")))
        .json(mailing))
}

/// A whole mailing's fields as sent.
fn input(body: &MailingRequest) -> MailingInput<'_> {
    MailingInput {
        name: body.name.as_deref(),
        from_name: body.from_name.as_deref(),
        message_id: body.message_id,
        audience: body.audience.as_ref(),
        client_ids: body.client_ids.as_deref(),
        starts_at: body.starts_at,
        ends_at: body.ends_at,
        schedule: body.schedule,
    }
}

/// One mailing, with its status as it is now.
#[utoipa::path(
    tag = "mailings",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The mailing's id")),
    responses(
        (status = OK, body = Mailing),
        (status = NOT_FOUND, description = "No such mailing of yours", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/mailings/{id}")]
pub async fn get_mailing(
    current: CurrentUser,
    path: web::Path<i64>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let now = clock.now();
    let row = owned::mailing(&pool, &current, path.into_inner(), Intent::Read).await?;
    Ok(HttpResponse::Ok().json(answer(&pool, row.id, now).await?))
}

/// Applies `wanted` to the mailing if its state allows, and answers it.
async fn change(
    pool: &DbPool,
    id: i64,
    now: NaiveDateTime,
    wanted: impl FnOnce(&MailingFields) -> Result<MailingFields, Vec<FieldError>> + Send + 'static,
) -> Result<Mailing, ApiError> {
    blocking(pool, move |conn| service::change(conn, id, now, wanted)).await?;
    answer(pool, id, now).await
}

/// Replace a mailing; a name or an audience left out is kept. A completed mailing only accepts a
/// later end time.
#[utoipa::path(
    tag = "mailings",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The mailing's id")),
    request_body = MailingRequest,
    responses(
        (status = OK, body = Mailing),
        (status = UNPROCESSABLE_ENTITY, description = "Invalid fields, or a message or clients that are not yours", body = Problem, content_type = "application/problem+json"),
        (status = CONFLICT, description = "The mailing is completed: only a later end time is accepted", body = Problem, content_type = "application/problem+json"),
        (status = NOT_FOUND, description = "No such mailing of yours", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "A manager changing someone else's mailing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/mailings/{id}")]
pub async fn replace_mailing(
    current: CurrentUser,
    path: web::Path<i64>,
    body: Json<MailingRequest>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let now = clock.now();
    let row = owned::mailing(&pool, &current, path.into_inner(), Intent::Change).await?;
    let body = body.into_inner();
    let mailing = change(&pool, row.id, now, move |current| {
        let mut fields = input(&body);
        if fields.name.is_none() {
            fields.name = current.name.as_deref();
        }
        if body.from_name.is_none() {
            fields.from_name = current.from_name.as_deref();
        }
        MailingFields::parse(fields, Some(&current.audience))
    })
    .await?;
    Ok(HttpResponse::Ok().json(mailing))
}

/// Change some fields of a mailing. A completed mailing only accepts a later end time.
#[utoipa::path(
    tag = "mailings",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The mailing's id")),
    request_body = MailingPatch,
    responses(
        (status = OK, body = Mailing),
        (status = UNPROCESSABLE_ENTITY, description = "Invalid fields, or a message or clients that are not yours", body = Problem, content_type = "application/problem+json"),
        (status = CONFLICT, description = "The mailing is completed: only a later end time is accepted", body = Problem, content_type = "application/problem+json"),
        (status = NOT_FOUND, description = "No such mailing of yours", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "A manager changing someone else's mailing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/mailings/{id}")]
pub async fn update_mailing(
    current: CurrentUser,
    path: web::Path<i64>,
    body: Json<MailingPatch>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let now = clock.now();
    let row = owned::mailing(&pool, &current, path.into_inner(), Intent::Change).await?;
    let patch = body.into_inner();
    let mailing = change(&pool, row.id, now, move |current| {
        MailingFields::parse(
            MailingInput {
                name: patch.name.as_deref().or(current.name.as_deref()),
                from_name: patch.from_name.as_deref().or(current.from_name.as_deref()),
                message_id: patch.message_id.unwrap_or(current.message_id),
                audience: patch.audience.as_ref(),
                client_ids: patch.client_ids.as_deref(),
                starts_at: patch.starts_at.unwrap_or(current.starts_at.and_utc()),
                ends_at: patch.ends_at.unwrap_or(current.ends_at.and_utc()),
                schedule: patch.schedule.unwrap_or(current.schedule),
            },
            Some(&current.audience),
        )
    })
    .await?;
    Ok(HttpResponse::Ok().json(mailing))
}

/// Delete a mailing with its attempts.
#[utoipa::path(
    tag = "mailings",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The mailing's id")),
    responses(
        (status = NO_CONTENT, description = "Deleted"),
        (status = NOT_FOUND, description = "No such mailing of yours", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "A manager deleting someone else's mailing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/mailings/{id}")]
pub async fn delete_mailing(
    current: CurrentUser,
    path: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let row = owned::mailing(&pool, &current, path.into_inner(), Intent::Change).await?;
    let id = row.id;
    blocking(&pool, move |conn| {
        Ok::<_, ApiError>(service::delete(conn, id)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn set_disabled(
    current: CurrentUser,
    request_id: RequestId,
    id: i64,
    pool: &DbPool,
    cache: &Cache,
    now: NaiveDateTime,
    disabled: bool,
) -> Result<HttpResponse, ApiError> {
    current.actor().may_disable_mailings()?;
    let row = owned::mailing(pool, &current, id, Intent::Read).await?;
    let manager = current.id();
    let owner = row.owner_id;
    let email = current.user.email.clone();
    let request_id = request_id.to_string();
    blocking(pool, move |conn| {
        let by = audit::Actor::Account {
            id: manager,
            email: &email,
        };
        service::set_disabled(conn, &row, disabled, by, Some(&request_id), now)
    })
    .await?;
    // The owner's lists and figures show the flag and the cancelled deliveries.
    cache.changed([owner]).await;
    tracing::info!(
        manager,
        mailing = id,
        disabled,
        "mailing disabled flag changed"
    );
    Ok(HttpResponse::Ok().json(answer(pool, id, now).await?))
}

/// Managers: stop a mailing from sending (anyone's).
#[utoipa::path(
    tag = "mailings",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The mailing's id")),
    responses(
        (status = OK, description = "Disabled", body = Mailing),
        (status = NOT_FOUND, description = "No such mailing", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "Not a manager", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/mailings/{id}/disable")]
pub async fn disable_mailing(
    current: CurrentUser,
    request_id: RequestId,
    path: web::Path<i64>,
    pool: web::Data<DbPool>,
    cache: web::Data<Cache>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let now = clock.now();
    set_disabled(
        current,
        request_id,
        path.into_inner(),
        &pool,
        &cache,
        now,
        true,
    )
    .await
}

/// Managers: let a disabled mailing send again.
#[utoipa::path(
    tag = "mailings",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The mailing's id")),
    responses(
        (status = OK, description = "Enabled", body = Mailing),
        (status = NOT_FOUND, description = "No such mailing", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "Not a manager", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/mailings/{id}/enable")]
pub async fn enable_mailing(
    current: CurrentUser,
    request_id: RequestId,
    path: web::Path<i64>,
    pool: web::Data<DbPool>,
    cache: web::Data<Cache>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let now = clock.now();
    set_disabled(
        current,
        request_id,
        path.into_inner(),
        &pool,
        &cache,
        now,
        false,
    )
    .await
}
