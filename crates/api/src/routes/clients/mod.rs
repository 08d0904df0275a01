//! `/api/v1/clients`: the people mailings go to. Each user sees only their own; managers see
//! everyone's and change only their own.

pub mod bulk;
mod filter;
pub mod transfer;

pub use transfer::MAX_IMPORT_BYTES;

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use chrono::NaiveDateTime;
use mailroom_domain::EmailAddress;
use mailroom_domain::catalogue::{Msg, Said};
use mailroom_domain::client::{ClientFields, ClientSort};
use mailroom_domain::tag::{TagFilter, TagName, tag_list};
use mailroom_domain::validation::Validator;
use mailroom_domain::wire::{Client, ClientPatch, ClientRequest, FieldError, Page, Problem};
use serde::Deserialize;
use utoipa::IntoParams;

use self::filter::FilterParams;
use super::cached::respond;
use super::listing::ListRequest;
use super::owned::{self, Intent};
use crate::auth::CurrentUser;
use crate::cache::Cache;
use crate::clock::Clock;
use crate::db::queries::clients;
use crate::db::queries::tags;
use crate::db::rows::{ClientRow, NewClient};
use crate::db::{DbConnection, DbError, DbPool, blocking, write_transaction};
use crate::http::api_error::ApiError;
use crate::http::json::Json;

fn client_json(row: ClientRow, tags: Vec<String>) -> Client {
    Client {
        id: row.id,
        email: row.email,
        full_name: row.full_name,
        comment: row.comment,
        owner_id: row.owner_id,
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
        unsubscribed_at: row.unsubscribed_at.map(|t| t.and_utc()),
        tags,
    }
}

/// The clients as JSON, each with its tags (one query for them all).
pub(super) fn with_tags(
    conn: &mut DbConnection,
    rows: Vec<ClientRow>,
) -> Result<Vec<Client>, DbError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut tags = tags::of_clients(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let own = tags.remove(&row.id).unwrap_or_default();
            client_json(row, own)
        })
        .collect())
}

fn one_with_tags(conn: &mut DbConnection, row: ClientRow) -> Result<Client, DbError> {
    with_tags(conn, vec![row])?
        .pop()
        .ok_or_else(|| DbError::Task("a client went missing".into()))
}

fn duplicate(email: &str) -> ApiError {
    ApiError::Conflict(Said::with(Msg::ClientExists, [email]))
}

/// Maps a unique-index violation to the 409 it means.
fn or_duplicate(email: String) -> impl FnOnce(DbError) -> ApiError {
    move |e| {
        if e.is_unique_violation() {
            duplicate(&email)
        } else {
            e.into()
        }
    }
}

/// A client's fields and, when sent, its whole list of tags; every invalid one reported.
fn parse_client(
    email: &str,
    full_name: &str,
    comment: &str,
    tags: Option<&[String]>,
) -> Result<(ClientFields, Option<Vec<TagName>>), ApiError> {
    fields_with_tags(ClientFields::parse(email, full_name, comment), tags)
}

/// `fields` as parsed, and the tags when sent; the errors of both reported together.
fn fields_with_tags(
    fields: Result<ClientFields, Vec<FieldError>>,
    tags: Option<&[String]>,
) -> Result<(ClientFields, Option<Vec<TagName>>), ApiError> {
    let mut v = Validator::new();
    let tags = tags.and_then(|raw| v.check("tags", tag_list(raw)).map(Some));
    let mut errors: Vec<FieldError> = fields.as_ref().err().cloned().unwrap_or_default();
    if let Err(tag_errors) = v.finish() {
        errors.extend(tag_errors);
    }
    match (fields, tags) {
        (Ok(fields), Some(tags)) if errors.is_empty() => Ok((fields, tags)),
        (Ok(fields), None) if errors.is_empty() => Ok((fields, None)),
        _ => Err(ApiError::Validation(errors)),
    }
}

/// A tag filter as a cache key: the same conditions in any case or order make one key. Tags are
/// one line without commas, so newlines and commas cannot be part of a name.
fn tag_key(tags: &TagFilter) -> String {
    let keys = |names: &[TagName]| {
        let mut keys: Vec<String> = names.iter().map(TagName::key).collect();
        keys.sort();
        keys.join(",")
    };
    format!(
        "{}\n{}\n{}",
        keys(&tags.tags_any),
        keys(&tags.tags_all),
        keys(&tags.exclude_tags)
    )
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClientListQuery {
    /// 1-based page number (default 1).
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    /// Items per page, 1 to 200 (default 20).
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
    /// created_at, updated_at, email or full_name; a leading - sorts descending (default -created_at).
    #[param(schema_with = crate::routes::listing::sort_schema::<ClientSort>)]
    pub sort: Option<String>,
}

/// The clients of the signed-in user (managers: everyone's, or one owner's), filtered.
#[utoipa::path(
    tag = "clients",
    security(("bearer" = [])),
    params(ClientListQuery, FilterParams),
    responses(
        (status = OK, body = Page<Client>),
        (status = UNPROCESSABLE_ENTITY, description = "Invalid page, per_page, sort or filter", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/clients")]
pub async fn list_clients(
    current: CurrentUser,
    query: web::Query<ClientListQuery>,
    filter: web::Query<FilterParams>,
    pool: web::Data<DbPool>,
    cache: web::Data<Cache>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let list = ListRequest::<ClientSort>::parse(
        query.page,
        query.per_page,
        query.sort.as_deref(),
        filter.q.as_deref(),
    )?;
    let filter = filter.parse(&current)?;
    // A list of chosen ids is one person's selection of the moment: not worth a cache entry.
    let place = match &filter.selection.ids {
        Some(_) => None,
        None => list.cache_place(
            &format!("clients:{}", tag_key(&filter.selection.tags)),
            filter.owner_id,
        ),
    };
    let (sort, offset, limit) = (list.sort, list.offset(), list.limit());
    respond(&cache, place, clock.now(), || async move {
        let (items, total) = blocking(&pool, move |conn| {
            let (rows, total) = clients::list(conn, &filter, sort, offset, limit)?;
            Ok::<_, ApiError>((with_tags(conn, rows)?, total))
        })
        .await?;
        Ok((list.page_of(items, total), None))
    })
    .await
}

/// Add a client.
#[utoipa::path(
    tag = "clients",
    security(("bearer" = [])),
    request_body = ClientRequest,
    responses(
        (status = CREATED, body = Client, headers(("Location" = String, description = "The new client's address"))),
        (status = UNPROCESSABLE_ENTITY, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = CONFLICT, description = "The address is already one of your clients", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/clients")]
pub async fn create_client(
    current: CurrentUser,
    body: Json<ClientRequest>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let now = clock.now();
    let (fields, tags) = parse_client(
        &body.email,
        &body.full_name,
        &body.comment,
        body.tags.as_deref(),
    )?;
    let owner_id = current.id();
    let email = fields.email.to_string();
    let client = blocking(&pool, move |conn| {
        write_transaction::<_, DbError, _>(conn, |conn| {
            // The owner first, then the insert (which counts in `owner_totals`): the order of
            // every path that writes an owner's clients.
            tags::lock_owner(conn, owner_id)?;
            let row = clients::insert(
                conn,
                &NewClient {
                    owner_id,
                    email: fields.email.as_ref(),
                    full_name: &fields.full_name,
                    comment: &fields.comment,
                    created_at: now,
                    updated_at: now,
                },
            )?;
            if let Some(tags) = &tags {
                tags::set_for_client(conn, owner_id, row.id, tags, now)?;
            }
            one_with_tags(conn, row)
        })
    })
    .await
    .map_err(or_duplicate(email))?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/clients/{}", client.id)))
        .json(client))
}

async fn readable(current: &CurrentUser, pool: &DbPool, id: i64) -> Result<ClientRow, ApiError> {
    owned::load(
        pool,
        current,
        Said::with(Msg::ThingClient, [id]),
        Intent::Read,
        move |conn| clients::find(conn, id),
    )
    .await
}

async fn changeable(current: &CurrentUser, pool: &DbPool, id: i64) -> Result<ClientRow, ApiError> {
    owned::load(
        pool,
        current,
        Said::with(Msg::ThingClient, [id]),
        Intent::Change,
        move |conn| clients::find(conn, id),
    )
    .await
}

/// One client.
#[utoipa::path(
    tag = "clients",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The client's id")),
    responses(
        (status = OK, body = Client),
        (status = NOT_FOUND, description = "No such client of yours", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/clients/{id}")]
pub async fn get_client(
    current: CurrentUser,
    path: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let row = readable(&current, &pool, path.into_inner()).await?;
    let client = blocking(&pool, move |conn| one_with_tags(conn, row)).await?;
    Ok(HttpResponse::Ok().json(client))
}

/// Writes the client's fields, and its tags when given.
async fn save(
    pool: &DbPool,
    row: ClientRow,
    (fields, tags): (ClientFields, Option<Vec<TagName>>),
    now: NaiveDateTime,
) -> Result<Client, ApiError> {
    let (id, owner_id) = (row.id, row.owner_id);
    let email = fields.email.to_string();
    blocking(pool, move |conn| {
        write_transaction::<_, DbError, _>(conn, |conn| {
            clients::update(
                conn,
                id,
                fields.email.as_ref(),
                &fields.full_name,
                &fields.comment,
                now,
            )?;
            if let Some(tags) = &tags {
                tags::set_for_client(conn, owner_id, id, tags, now)?;
            }
            let row = clients::find(conn, id)?
                .ok_or_else(|| DbError::Task(format!("client {id} vanished")))?;
            one_with_tags(conn, row)
        })
    })
    .await
    .map_err(or_duplicate(email))
}

/// Replace a client's fields, and its tags when `tags` is sent.
#[utoipa::path(
    tag = "clients",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The client's id")),
    request_body = ClientRequest,
    responses(
        (status = OK, body = Client),
        (status = UNPROCESSABLE_ENTITY, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = CONFLICT, description = "Another of your clients has this address", body = Problem, content_type = "application/problem+json"),
        (status = NOT_FOUND, description = "No such client of yours", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "A manager changing someone else's client", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/clients/{id}")]
pub async fn replace_client(
    current: CurrentUser,
    path: web::Path<i64>,
    body: Json<ClientRequest>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let now = clock.now();
    let row = changeable(&current, &pool, path.into_inner()).await?;
    let parsed = parse_client(
        &body.email,
        &body.full_name,
        &body.comment,
        body.tags.as_deref(),
    )?;
    Ok(HttpResponse::Ok().json(save(&pool, row, parsed, now).await?))
}

/// Change some of a client's fields.
#[utoipa::path(
    tag = "clients",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The client's id")),
    request_body = ClientPatch,
    responses(
        (status = OK, body = Client),
        (status = UNPROCESSABLE_ENTITY, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = CONFLICT, description = "Another of your clients has this address", body = Problem, content_type = "application/problem+json"),
        (status = NOT_FOUND, description = "No such client of yours", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "A manager changing someone else's client", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/clients/{id}")]
pub async fn update_client(
    current: CurrentUser,
    path: web::Path<i64>,
    body: Json<ClientPatch>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let now = clock.now();
    let row = changeable(&current, &pool, path.into_inner()).await?;
    let patch = body.into_inner();
    let stored = ClientFields {
        email: EmailAddress::stored(row.email.clone()),
        full_name: row.full_name.clone(),
        comment: row.comment.clone(),
    };
    let fields = stored.patch(
        patch.email.as_deref(),
        patch.full_name.as_deref(),
        patch.comment.as_deref(),
    );
    let parsed = fields_with_tags(fields, patch.tags.as_deref())?;
    Ok(HttpResponse::Ok().json(save(&pool, row, parsed, now).await?))
}

/// Delete a client: it leaves its mailings; the attempts already made to it are kept.
#[utoipa::path(
    tag = "clients",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The client's id")),
    responses(
        (status = NO_CONTENT, description = "Deleted"),
        (status = NOT_FOUND, description = "No such client of yours", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "A manager deleting someone else's client", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/clients/{id}")]
pub async fn delete_client(
    current: CurrentUser,
    path: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let row = changeable(&current, &pool, path.into_inner()).await?;
    let (id, owner_id) = (row.id, row.owner_id);
    blocking(&pool, move |conn| {
        write_transaction::<_, DbError, _>(conn, |conn| {
            // A bulk change of the owner's clients in progress finishes first.
            tags::lock_owner(conn, owner_id)?;
            Ok(clients::delete(conn, id)?)
        })
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
