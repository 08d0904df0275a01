//! `/api/v1/messages`: what mailings send. Subject and body may use `{{full_name}}`, `{{email}}` and
//! `{{unsubscribe_url}}`.

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use chrono::NaiveDateTime;
use mailroom_domain::catalogue::{Msg, Said};
use mailroom_domain::message::{MessageFields, MessageSort};
use mailroom_domain::wire::{Message, MessagePatch, MessageRequest, Page, Problem};
use serde::Deserialize;
use utoipa::IntoParams;

use super::cached::respond;
use super::listing::ListRequest;
use super::owned::{self, Intent};
use crate::auth::CurrentUser;
use crate::cache::Cache;
use crate::clock::Clock;
use crate::db::queries::messages::{self, MessageFilter};
use crate::db::rows::{MessageRow, NewMessage};
use crate::db::{DbPool, blocking};
use crate::http::api_error::ApiError;
use crate::http::json::Json;

fn message_json(row: MessageRow) -> Message {
    Message {
        id: row.id,
        subject: row.subject,
        body: row.body,
        format: row.format,
        owner_id: row.owner_id,
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MessageListQuery {
    /// 1-based page number (default 1).
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    /// Items per page, 1 to 200 (default 20).
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
    /// created_at, updated_at or subject; a leading - sorts descending (default -created_at).
    #[param(schema_with = crate::routes::listing::sort_schema::<MessageSort>)]
    pub sort: Option<String>,
    /// Only messages whose subject contains this text (any case).
    pub q: Option<String>,
    /// Managers: only this owner's messages.
    pub owner_id: Option<i64>,
}

/// The messages of the signed-in user (managers: everyone's, or one owner's).
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    params(MessageListQuery),
    responses(
        (status = OK, body = Page<Message>),
        (status = UNPROCESSABLE_ENTITY, description = "Invalid page, per_page or sort", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/messages")]
pub async fn list_messages(
    current: CurrentUser,
    query: web::Query<MessageListQuery>,
    pool: web::Data<DbPool>,
    cache: web::Data<Cache>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let list = ListRequest::<MessageSort>::parse(
        query.page,
        query.per_page,
        query.sort.as_deref(),
        query.q.as_deref(),
    )?;
    let filter = MessageFilter {
        owner_id: current.actor().list_scope(query.owner_id),
        search: list.search.clone(),
    };
    let place = list.cache_place("messages", filter.owner_id);
    let (sort, offset, limit) = (list.sort, list.offset(), list.limit());
    respond(&cache, place, clock.now(), || async move {
        let (rows, total) = blocking(&pool, move |conn| {
            Ok::<_, ApiError>(messages::list(conn, &filter, sort, offset, limit)?)
        })
        .await?;
        let page = list.page_of(rows.into_iter().map(message_json).collect(), total);
        Ok((page, None))
    })
    .await
}

/// Write a message.
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    request_body = MessageRequest,
    responses(
        (status = CREATED, body = Message, headers(("Location" = String, description = "The new message's address"))),
        (status = UNPROCESSABLE_ENTITY, description = "A blank field or an unknown placeholder (named)", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/messages")]
pub async fn create_message(
    current: CurrentUser,
    body: Json<MessageRequest>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let now = clock.now();
    let fields = MessageFields::parse(&body.subject, &body.body, body.format.as_deref())
        .map_err(ApiError::Validation)?;
    let owner_id = current.id();
    let row = blocking(&pool, move |conn| {
        Ok::<_, ApiError>(messages::insert(
            conn,
            &NewMessage {
                owner_id,
                subject: &fields.subject,
                body: &fields.body,
                format: fields.format,
                created_at: now,
                updated_at: now,
            },
        )?)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/messages/{}", row.id)))
        .json(message_json(row)))
}

async fn load(
    current: &CurrentUser,
    pool: &DbPool,
    id: i64,
    intent: Intent,
) -> Result<MessageRow, ApiError> {
    owned::load(
        pool,
        current,
        Said::with(Msg::ThingMessage, [id]),
        intent,
        move |conn| messages::find(conn, id),
    )
    .await
}

/// One message.
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The message's id")),
    responses(
        (status = OK, body = Message),
        (status = NOT_FOUND, description = "No such message of yours", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/messages/{id}")]
pub async fn get_message(
    current: CurrentUser,
    path: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let row = load(&current, &pool, path.into_inner(), Intent::Read).await?;
    Ok(HttpResponse::Ok().json(message_json(row)))
}

async fn save(
    pool: &DbPool,
    id: i64,
    fields: MessageFields,
    now: NaiveDateTime,
) -> Result<Message, ApiError> {
    blocking(pool, move |conn| {
        messages::update(conn, id, &fields, now)?;
        messages::find(conn, id)?
            .ok_or_else(|| ApiError::missing(Said::with(Msg::ThingMessage, [id])))
    })
    .await
    .map(message_json)
}

/// Replace a message.
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The message's id")),
    request_body = MessageRequest,
    responses(
        (status = OK, body = Message),
        (status = UNPROCESSABLE_ENTITY, description = "A blank field or an unknown placeholder (named)", body = Problem, content_type = "application/problem+json"),
        (status = NOT_FOUND, description = "No such message of yours", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "A manager changing someone else's message", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/messages/{id}")]
pub async fn replace_message(
    current: CurrentUser,
    path: web::Path<i64>,
    body: Json<MessageRequest>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let now = clock.now();
    let row = load(&current, &pool, path.into_inner(), Intent::Change).await?;
    let fields = MessageFields::parse(&body.subject, &body.body, body.format.as_deref())
        .map_err(ApiError::Validation)?;
    Ok(HttpResponse::Ok().json(save(&pool, row.id, fields, now).await?))
}

/// Change the subject or the body of a message.
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The message's id")),
    request_body = MessagePatch,
    responses(
        (status = OK, body = Message),
        (status = UNPROCESSABLE_ENTITY, description = "A blank field or an unknown placeholder (named)", body = Problem, content_type = "application/problem+json"),
        (status = NOT_FOUND, description = "No such message of yours", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "A manager changing someone else's message", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/messages/{id}")]
pub async fn update_message(
    current: CurrentUser,
    path: web::Path<i64>,
    body: Json<MessagePatch>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let now = clock.now();
    let row = load(&current, &pool, path.into_inner(), Intent::Change).await?;
    let fields = MessageFields::parse(
        body.subject.as_deref().unwrap_or(&row.subject),
        body.body.as_deref().unwrap_or(&row.body),
        Some(body.format.as_deref().unwrap_or(row.format.as_str())),
    )
    .map_err(ApiError::Validation)?;
    Ok(HttpResponse::Ok().json(save(&pool, row.id, fields, now).await?))
}

/// Delete a message no mailing uses (409 names the mailings that do).
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The message's id")),
    responses(
        (status = NO_CONTENT, description = "Deleted"),
        (status = CONFLICT, description = "Mailings use it (named)", body = Problem, content_type = "application/problem+json"),
        (status = NOT_FOUND, description = "No such message of yours", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "A manager deleting someone else's message", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/messages/{id}")]
pub async fn delete_message(
    current: CurrentUser,
    path: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let row = load(&current, &pool, path.into_inner(), Intent::Change).await?;
    let id = row.id;
    blocking(&pool, move |conn| {
        crate::db::write_transaction(conn, |conn| {
            let users = messages::used_by(conn, id)?;
            if !users.is_empty() {
                let list = users
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ");
                return Err(ApiError::Conflict(Said::with(
                    Msg::MessageInUse,
                    [id.to_string(), list],
                )));
            }
            messages::delete(conn, id)?;
            Ok(())
        })
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
