//! `/api/v1/clients/export` and `/import`: clients as CSV.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use mailroom_domain::catalogue::{Msg, Said};
use mailroom_domain::wire::{ImportReport, Problem};

use super::filter::FilterParams;
use crate::auth::CurrentUser;
use crate::clients::{export, import};
use crate::clock::Clock;
use crate::db::{DbPool, blocking};
use crate::http::api_error::ApiError;
use crate::http::language;

/// The largest CSV upload: 100,000 rows of generous width fit with room to spare.
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;

/// The form an import may come as.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // Documentation only: the form is read part by part.
pub struct ImportUpload {
    /// The CSV file.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// The CSV of an import: the body itself (`text/csv`), or the `file` part of a form; the body
/// was read whole already, within `MAX_IMPORT_BYTES`.
async fn csv_of(req: &HttpRequest, body: web::Bytes) -> Result<web::Bytes, ApiError> {
    use futures_util::TryStreamExt;

    let kind = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_lowercase())
        .unwrap_or_default();
    if kind.starts_with("text/csv") {
        return Ok(body);
    }
    if !kind.starts_with("multipart/form-data") {
        return Err(ApiError::UnsupportedMediaType(Said::new(Msg::ImportNotCsv)));
    }
    let unreadable = |e: actix_multipart::MultipartError| {
        ApiError::BadRequest(Said::with(Msg::FormUnreadable, [e]))
    };
    let stream =
        futures_util::stream::once(async move { Ok::<_, actix_web::error::PayloadError>(body) });
    let mut form = actix_multipart::Multipart::new(req.headers(), stream);
    while let Some(mut part) = form.try_next().await.map_err(unreadable)? {
        if part.name() != Some("file") {
            continue;
        }
        let mut file = Vec::new();
        while let Some(chunk) = part.try_next().await.map_err(unreadable)? {
            file.extend_from_slice(&chunk);
        }
        return Ok(file.into());
    }
    Err(ApiError::BadRequest(Said::new(Msg::FormNoFile)))
}

/// The clients the filter selects as CSV (`email,full_name,comment,tags`), streamed; managers get
/// everyone's, or one owner's.
#[utoipa::path(
    tag = "clients",
    security(("bearer" = [])),
    params(FilterParams),
    responses(
        (status = OK, description = "The clients as CSV", content_type = "text/csv", body = String),
        (status = UNPROCESSABLE_ENTITY, description = "Invalid filter", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/clients/export")]
pub async fn export_clients(
    current: CurrentUser,
    query: web::Query<FilterParams>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let filter = query.parse(&current)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"clients.csv\"",
        ))
        .streaming(export::stream(pool.get_ref().clone(), filter)))
}

/// Import clients from CSV with the header `email,full_name,comment,tags` (only `email` is
/// required). New addresses are added, known ones get the row's name and comment, and every
/// client gains the row's tags (a comma-separated list in one field; tags it has stay). Bad rows
/// are reported by line and never stop the good ones.
#[utoipa::path(
    tag = "clients",
    security(("bearer" = [])),
    request_body(
        description = "CSV with the header email,full_name,comment,tags: as the body (text/csv), or as the `file` part of a form (multipart/form-data), which every client generator can send",
        content(
            (String = "text/csv"),
            (ImportUpload = "multipart/form-data"),
        ),
    ),
    responses(
        (status = OK, description = "What the import did, row by row", body = ImportReport),
        (status = BAD_REQUEST, description = "No header, a wrong header or unreadable CSV; a form without a `file` part, or one that does not parse", body = Problem, content_type = "application/problem+json"),
        (status = UNSUPPORTED_MEDIA_TYPE, description = "The body is neither text/csv nor multipart/form-data", body = Problem, content_type = "application/problem+json"),
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
    let body = csv_of(&req, body).await?;
    let owner_id = current.id();
    let report = blocking(&pool, move |conn| {
        import::import(conn, owner_id, &body, now).map_err(|e| match e {
            import::ImportError::Db(db) => ApiError::from(db),
            import::ImportError::Unreadable(said) => ApiError::BadRequest(said),
        })
    })
    .await?;
    let report = report.localized(language::current());
    Ok(language::mark(&mut HttpResponse::Ok()).json(report))
}
