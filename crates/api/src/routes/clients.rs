//! `/api/v1/clients`: the people mailings go to. Each user sees only their own; managers see
//! everyone's and change only their own.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
use chrono::NaiveDateTime;
use mailroom_domain::client::{ClientFields, ClientSort};
use mailroom_domain::wire::{Client, ClientPatch, ClientRequest, ImportReport, Page, Problem};
use serde::Deserialize;
use utoipa::IntoParams;

use super::cached::respond;
use super::listing::ListRequest;
use super::owned::{self, Intent};
use crate::auth::CurrentUser;
use crate::cache::Cache;
use crate::clients::{export, import};
use crate::clock::Clock;
use crate::db::queries::clients::{self, ClientFilter};
use crate::db::rows::{ClientRow, NewClient};
use crate::db::{DbError, DbPool, blocking};
use crate::http::api_error::ApiError;

/// The largest CSV upload: 100,000 rows of generous width fit with room to spare.
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;

fn client_json(row: ClientRow) -> Client {
    Client {
        id: row.id,
        email: row.email,
        full_name: row.full_name,
        comment: row.comment,
        owner_id: row.owner_id,
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
        unsubscribed_at: row.unsubscribed_at.map(|t| t.and_utc()),
    }
}

fn duplicate(email: &str) -> ApiError {
    ApiError::Conflict(format!(
        "you already have a client with the address {email}"
    ))
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

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClientListQuery {
    /// 1-based page number (default 1).
    pub page: Option<u32>,
    /// Items per page, 1 to 200 (default 20).
    pub per_page: Option<u32>,
    /// created_at, updated_at, email or full_name; a leading - sorts descending (default -created_at).
    pub sort: Option<String>,
    /// Only clients whose address or name contains this text (any case).
    pub q: Option<String>,
    /// Managers: only this owner's clients.
    pub owner_id: Option<i64>,
}

/// The clients of the signed-in user (managers: everyone's, or one owner's).
#[utoipa::path(
    tag = "clients",
    security(("bearer" = [])),
    params(ClientListQuery),
    responses(
        (status = OK, body = Page<Client>),
        (status = UNPROCESSABLE_ENTITY, description = "Invalid page, per_page or sort", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/clients")]
pub async fn list_clients(
    current: CurrentUser,
    query: web::Query<ClientListQuery>,
    pool: web::Data<DbPool>,
    cache: web::Data<Cache>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let list = ListRequest::<ClientSort>::parse(
        query.page,
        query.per_page,
        query.sort.as_deref(),
        query.q.as_deref(),
    )?;
    let filter = ClientFilter {
        owner_id: current.actor().list_scope(query.owner_id),
        search: list.search.clone(),
    };
    let place = list.cache_place("clients", filter.owner_id);
    let (sort, offset, limit) = (list.sort, list.offset(), list.limit());
    respond(&cache, place, clock.now(), || async move {
        let (rows, total) = blocking(&pool, move |conn| {
            Ok::<_, ApiError>(clients::list(conn, &filter, sort, offset, limit)?)
        })
        .await?;
        let page = list.page_of(rows.into_iter().map(client_json).collect(), total);
        Ok((page, None))
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
    body: web::Json<ClientRequest>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let now = clock.now();
    let fields = ClientFields::parse(&body.email, &body.full_name, &body.comment)
        .map_err(ApiError::Validation)?;
    let owner_id = current.id();
    let email = fields.email.to_string();
    let row = blocking(&pool, move |conn| {
        clients::insert(
            conn,
            &NewClient {
                owner_id,
                email: fields.email.as_ref(),
                full_name: &fields.full_name,
                comment: &fields.comment,
                created_at: now,
                updated_at: now,
            },
        )
        .map_err(DbError::from)
    })
    .await
    .map_err(or_duplicate(email))?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/clients/{}", row.id)))
        .json(client_json(row)))
}

/// Every client as CSV (`email,full_name,comment`), streamed; managers get everyone's, or one owner's.
#[utoipa::path(
    tag = "clients",
    security(("bearer" = [])),
    params(("owner_id" = Option<i64>, Query, description = "Managers: only this owner's clients")),
    responses(
        (status = OK, description = "The clients as CSV", content_type = "text/csv", body = String),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/clients/export")]
pub async fn export_clients(
    current: CurrentUser,
    query: web::Query<ExportQuery>,
    pool: web::Data<DbPool>,
) -> HttpResponse {
    let owner = current.actor().list_scope(query.owner_id);
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"clients.csv\"",
        ))
        .streaming(export::stream(pool.get_ref().clone(), owner))
}

#[derive(Debug, Deserialize)]
pub struct ExportQuery {
    pub owner_id: Option<i64>,
}

/// Import clients from CSV with the header `email,full_name,comment`. New addresses are added,
/// known ones updated; bad rows are reported by line and never stop the good ones.
#[utoipa::path(
    tag = "clients",
    security(("bearer" = [])),
    request_body(content = String, content_type = "text/csv", description = "CSV, header email,full_name,comment"),
    responses(
        (status = OK, description = "What the import did, row by row", body = ImportReport),
        (status = BAD_REQUEST, description = "No header, a wrong header or unreadable CSV", body = Problem, content_type = "application/problem+json"),
        (status = UNSUPPORTED_MEDIA_TYPE, description = "The body is not text/csv", body = Problem, content_type = "application/problem+json"),
        (status = PAYLOAD_TOO_LARGE, description = "Over 64 MiB", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/clients/import")]
pub async fn import_clients(
    current: CurrentUser,
    req: HttpRequest,
    body: web::Bytes,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let now = clock.now();
    let is_csv = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().to_lowercase().starts_with("text/csv"));
    if !is_csv {
        return Err(ApiError::UnsupportedMediaType(
            "send the file as the body with Content-Type: text/csv".into(),
        ));
    }
    let owner_id = current.id();
    let report = blocking(&pool, move |conn| {
        import::import(conn, owner_id, &body, now).map_err(|e| match e {
            import::ImportError::Db(db) => ApiError::from(db),
            other => ApiError::BadRequest(other.to_string()),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(report))
}

async fn readable(current: &CurrentUser, pool: &DbPool, id: i64) -> Result<ClientRow, ApiError> {
    owned::load(
        pool,
        current,
        format!("client {id}"),
        Intent::Read,
        move |conn| clients::find(conn, id),
    )
    .await
}

async fn changeable(current: &CurrentUser, pool: &DbPool, id: i64) -> Result<ClientRow, ApiError> {
    owned::load(
        pool,
        current,
        format!("client {id}"),
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
    Ok(HttpResponse::Ok().json(client_json(row)))
}

async fn save(
    pool: &DbPool,
    row: ClientRow,
    fields: ClientFields,
    now: NaiveDateTime,
) -> Result<Client, ApiError> {
    let id = row.id;
    let email = fields.email.to_string();
    blocking(pool, move |conn| {
        clients::update(
            conn,
            id,
            fields.email.as_ref(),
            &fields.full_name,
            &fields.comment,
            now,
        )?;
        clients::find(conn, id)?.ok_or_else(|| DbError::Task(format!("client {id} vanished")))
    })
    .await
    .map(client_json)
    .map_err(or_duplicate(email))
}

/// Replace a client's fields.
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
    body: web::Json<ClientRequest>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let now = clock.now();
    let row = changeable(&current, &pool, path.into_inner()).await?;
    let fields = ClientFields::parse(&body.email, &body.full_name, &body.comment)
        .map_err(ApiError::Validation)?;
    Ok(HttpResponse::Ok().json(save(&pool, row, fields, now).await?))
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
    body: web::Json<ClientPatch>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let now = clock.now();
    let row = changeable(&current, &pool, path.into_inner()).await?;
    let patch = body.into_inner();
    let fields = ClientFields::parse(
        patch.email.as_deref().unwrap_or(&row.email),
        patch.full_name.as_deref().unwrap_or(&row.full_name),
        patch.comment.as_deref().unwrap_or(&row.comment),
    )
    .map_err(ApiError::Validation)?;
    Ok(HttpResponse::Ok().json(save(&pool, row, fields, now).await?))
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
    let id = row.id;
    blocking(&pool, move |conn| {
        Ok::<_, ApiError>(clients::delete(conn, id)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
