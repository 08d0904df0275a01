//! `/api/v1/mailings`: a message sent to clients between a start and an end time.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use chrono::NaiveDateTime;
use std::str::FromStr;

use mailroom_domain::mailing::{MailingFields, MailingSort, check_edit};
use mailroom_domain::wire::{FieldError, Mailing, MailingPatch, MailingRequest, Page, Problem};
use mailroom_domain::{MailingStatus, Schedule};
use serde::Deserialize;
use utoipa::IntoParams;

use super::cached::respond;
use super::listing::ListRequest;
use super::owned::{self, Intent};
use crate::auth::CurrentUser;
use crate::cache::Cache;
use crate::db::queries::deliveries::{self, Scope};
use crate::db::queries::mailings::{self, MailingFilter, MailingUpdate};
use crate::db::queries::messages;
use crate::db::queries::runs;
use crate::db::queries::stats;
use crate::db::rows::{MailingRow, NewMailing};
use crate::db::{DbConnection, DbPool, run};
use crate::http::api_error::ApiError;
use crate::sending::Clock;

/// What a mailing answer needs beyond its row.
struct Extras {
    client_ids: HashMap<i64, Vec<i64>>,
    subjects: HashMap<i64, String>,
    counts: HashMap<i64, (u64, u64)>,
    /// Mailings with at least one run: they are running (until their end), even before the
    /// first attempt is recorded.
    sent: Vec<i64>,
}

fn extras(conn: &mut DbConnection, rows: &[MailingRow]) -> Result<Extras, ApiError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let message_ids: Vec<i64> = rows.iter().map(|r| r.message_id).collect();
    Ok(Extras {
        client_ids: mailings::client_ids(conn, &ids)?,
        subjects: messages::subjects(conn, &message_ids)?,
        counts: stats::attempts_by_mailing(conn, &ids)?,
        sent: runs::any(conn, &ids)?,
    })
}

fn status(row: &MailingRow, extras: &Extras, now: NaiveDateTime) -> MailingStatus {
    let counts = extras.counts.get(&row.id).copied().unwrap_or_default();
    let sent = counts.0 + counts.1 > 0 || extras.sent.contains(&row.id);
    MailingStatus::at(now, row.ends_at, sent)
}

fn mailing_json(row: MailingRow, extras: &mut Extras, now: NaiveDateTime) -> Mailing {
    let status = status(&row, extras, now);
    let client_ids = extras.client_ids.remove(&row.id).unwrap_or_default();
    let counts = extras.counts.get(&row.id).copied().unwrap_or_default();
    Mailing {
        status,
        schedule: Schedule::from_str(&row.schedule).unwrap_or_default(),
        next_run_at: row.next_run_at.map(|t| t.and_utc()),
        id: row.id,
        message_id: row.message_id,
        message_subject: extras
            .subjects
            .get(&row.message_id)
            .cloned()
            .unwrap_or_default(),
        client_count: client_ids.len() as u64,
        client_ids,
        starts_at: row.starts_at.and_utc(),
        ends_at: row.ends_at.and_utc(),
        disabled: row.disabled,
        owner_id: row.owner_id,
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
        success_count: counts.0,
        failure_count: counts.1,
    }
}

/// One mailing as answered, read in one go.
async fn answer(pool: &DbPool, id: i64, now: NaiveDateTime) -> Result<Mailing, ApiError> {
    run(pool, move |conn| {
        let row = mailings::find(conn, id)?
            .ok_or_else(|| ApiError::NotFound(format!("no mailing {id}")))?;
        let mut extras = extras(conn, std::slice::from_ref(&row))?;
        Ok(mailing_json(row, &mut extras, now))
    })
    .await
}

/// The message and every client must be the owner's; the answer names those that are not.
fn check_ownership(
    conn: &mut DbConnection,
    owner_id: i64,
    fields: &MailingFields,
) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    let message_owned =
        messages::find(conn, fields.message_id)?.is_some_and(|m| m.owner_id == owner_id);
    if !message_owned {
        errors.push(FieldError {
            field: "message_id".into(),
            message: format!("message {} is not one of your messages", fields.message_id),
        });
    }
    let foreign = mailings::foreign_clients(conn, owner_id, &fields.client_ids)?;
    if !foreign.is_empty() {
        let shown: Vec<String> = foreign.iter().take(20).map(i64::to_string).collect();
        let more = if foreign.len() > 20 {
            format!(" and {} more", foreign.len() - 20)
        } else {
            String::new()
        };
        errors.push(FieldError {
            field: "client_ids".into(),
            message: format!("not your clients: {}{more}", shown.join(", ")),
        });
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MailingListQuery {
    /// 1-based page number (default 1).
    pub page: Option<u32>,
    /// Items per page, 1 to 200 (default 20).
    pub per_page: Option<u32>,
    /// created_at, starts_at or ends_at; a leading - sorts descending (default -created_at).
    pub sort: Option<String>,
    /// Only mailings whose message subject contains this text (any case).
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
        let (items, total) = run(&pool, move |conn| {
            let (rows, total) = mailings::list(conn, &filter, sort, offset, limit)?;
            let mut extras = extras(conn, &rows)?;
            let items: Vec<Mailing> = rows
                .into_iter()
                .map(|row| mailing_json(row, &mut extras, now))
                .collect();
            Ok::<_, ApiError>((items, total))
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

/// Create a mailing of one of your messages to some of your clients.
#[utoipa::path(
    tag = "mailings",
    security(("bearer" = [])),
    request_body = MailingRequest,
    responses(
        (status = CREATED, body = Mailing, headers(("Location" = String, description = "The new mailing's address"))),
        (status = UNPROCESSABLE_ENTITY, description = "Invalid times, no clients, or a message or clients that are not yours (named)", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/mailings")]
pub async fn create_mailing(
    current: CurrentUser,
    body: web::Json<MailingRequest>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let now = clock.now();
    let fields = MailingFields::parse(
        body.message_id,
        &body.client_ids,
        body.starts_at,
        body.ends_at,
        body.schedule,
    )
    .map_err(ApiError::Validation)?;
    let owner_id = current.id();
    let id = run(&pool, move |conn| {
        crate::db::write_transaction::<_, ApiError, _>(conn, |conn| {
            check_ownership(conn, owner_id, &fields)?;
            let row = mailings::insert(
                conn,
                &NewMailing {
                    owner_id,
                    message_id: fields.message_id,
                    starts_at: fields.starts_at,
                    ends_at: fields.ends_at,
                    status: MailingStatus::Created.as_str(),
                    created_at: now,
                    updated_at: now,
                    schedule: fields.schedule.as_str(),
                    next_run_at: Some(fields.starts_at),
                },
            )?;
            mailings::set_clients(conn, row.id, &fields.client_ids)?;
            Ok(row.id)
        })
    })
    .await?;
    let mailing = answer(&pool, id, now).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/mailings/{id}")))
        .json(mailing))
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

/// Applies `wanted` to the mailing if its state allows.
async fn change(
    pool: &DbPool,
    row: MailingRow,
    now: NaiveDateTime,
    wanted: impl FnOnce(&MailingFields) -> Result<MailingFields, ApiError> + Send + 'static,
) -> Result<Mailing, ApiError> {
    let id = row.id;
    let owner_id = row.owner_id;
    run(pool, move |conn| {
        crate::db::write_transaction::<_, ApiError, _>(conn, |conn| {
            let mut extras = extras(conn, std::slice::from_ref(&row))?;
            let status = status(&row, &extras, now);
            let current = MailingFields {
                message_id: row.message_id,
                client_ids: extras.client_ids.remove(&id).unwrap_or_default(),
                starts_at: row.starts_at,
                ends_at: row.ends_at,
                schedule: Schedule::from_str(&row.schedule).unwrap_or_default(),
            };
            let wanted = wanted(&current)?;
            check_edit(status, &current, &wanted).map_err(|e| ApiError::Conflict(e.to_string()))?;
            check_ownership(conn, owner_id, &wanted)?;
            // The schedule goes on after the last slot already sent, in its new shape.
            let timing_kept = wanted.schedule == current.schedule
                && wanted.starts_at == current.starts_at
                && wanted.ends_at == current.ends_at;
            let next_run_at = if timing_kept {
                row.next_run_at
            } else {
                match runs::last_slot(conn, id)? {
                    Some(last) => {
                        wanted
                            .schedule
                            .next_after(wanted.starts_at, wanted.ends_at, last)
                    }
                    None => Some(wanted.starts_at),
                }
            };
            mailings::update(
                conn,
                id,
                MailingUpdate {
                    message_id: wanted.message_id,
                    starts_at: wanted.starts_at,
                    ends_at: wanted.ends_at,
                    schedule: wanted.schedule.as_str(),
                    next_run_at,
                },
                now,
            )?;
            if wanted.client_ids != current.client_ids {
                mailings::set_clients(conn, id, &wanted.client_ids)?;
            }
            Ok(())
        })
    })
    .await?;
    answer(pool, id, now).await
}

/// Replace a mailing. A completed mailing only accepts a later end time.
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
    body: web::Json<MailingRequest>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let now = clock.now();
    let row = owned::mailing(&pool, &current, path.into_inner(), Intent::Change).await?;
    let body = body.into_inner();
    let mailing = change(&pool, row, now, move |_| {
        MailingFields::parse(
            body.message_id,
            &body.client_ids,
            body.starts_at,
            body.ends_at,
            body.schedule,
        )
        .map_err(ApiError::Validation)
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
    body: web::Json<MailingPatch>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let now = clock.now();
    let row = owned::mailing(&pool, &current, path.into_inner(), Intent::Change).await?;
    let patch = body.into_inner();
    let mailing = change(&pool, row, now, move |current| {
        MailingFields::parse(
            patch.message_id.unwrap_or(current.message_id),
            patch.client_ids.as_deref().unwrap_or(&current.client_ids),
            patch.starts_at.unwrap_or(current.starts_at.and_utc()),
            patch.ends_at.unwrap_or(current.ends_at.and_utc()),
            patch.schedule.unwrap_or(current.schedule),
        )
        .map_err(ApiError::Validation)
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
    run(&pool, move |conn| {
        Ok::<_, ApiError>(mailings::delete(conn, id)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn set_disabled(
    current: CurrentUser,
    id: i64,
    pool: &DbPool,
    cache: &Cache,
    now: NaiveDateTime,
    disabled: bool,
) -> Result<HttpResponse, ApiError> {
    current.actor().may_disable_mailings()?;
    let row = owned::mailing(pool, &current, id, Intent::Read).await?;
    let manager = current.id();
    run(pool, move |conn| {
        mailings::set_disabled(conn, row.id, disabled, now)?;
        if disabled {
            // Its mail stops now: what is queued is cancelled, not left to a worker's check.
            let touched = deliveries::cancel(conn, Scope::Mailing(row.id), now)?;
            runs::finish_done(conn, &touched, now)?;
        }
        Ok::<_, ApiError>(())
    })
    .await?;
    // The owner's lists and figures show the flag and the cancelled deliveries.
    cache.changed([row.owner_id]).await;
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
    path: web::Path<i64>,
    pool: web::Data<DbPool>,
    cache: web::Data<Cache>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let now = clock.now();
    set_disabled(current, path.into_inner(), &pool, &cache, now, true).await
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
    path: web::Path<i64>,
    pool: web::Data<DbPool>,
    cache: web::Data<Cache>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let now = clock.now();
    set_disabled(current, path.into_inner(), &pool, &cache, now, false).await
}
