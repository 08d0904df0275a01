//! Audiences: sizing one before a mailing is saved (`/api/v1/audiences/preview`), and a mailing's
//! clients page by page, added and taken out (`/api/v1/mailings/{id}/clients`).

use actix_web::{HttpMessage, HttpRequest, HttpResponse, delete, get, post, web};
use diesel::prelude::*;
use mailroom_domain::audience::Audience;
use mailroom_domain::client::ClientSort;
use mailroom_domain::listing::Sort;
use mailroom_domain::selection::{ClientSelection, MAX_FILTER_IDS};
use mailroom_domain::tag::TagFilter;
use mailroom_domain::validation::Validator;
use mailroom_domain::wire::{
    AudiencePreview, AudiencePreviewRequest, Client, Mailing, MailingClients, Page, Problem,
};
use serde::Deserialize;
use utoipa::IntoParams;

use super::clients::with_tags;
use super::listing::ListRequest;
use super::mailings::answer;
use super::owned::{self, Intent};
use crate::auth::CurrentUser;
use crate::clock::Clock;
use crate::db::queries::audiences;
use crate::db::queries::clients::{self, ClientFilter};
use crate::db::schema::clients as client_table;
use crate::db::{DbPool, blocking};
use crate::http::api_error::ApiError;
use crate::http::invalidation::WritesNothing;
use crate::http::json::Json;
use crate::mailings::{self as service, foreign_clients};

/// How many clients a preview shows.
const PREVIEW_CLIENTS: i64 = 20;

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or_default()
}

/// How many of your clients an audience would reach now, and the first of them, to show on a
/// mailing's form before saving it.
#[utoipa::path(
    tag = "mailings",
    security(("bearer" = [])),
    request_body = AudiencePreviewRequest,
    responses(
        (status = OK, body = AudiencePreview),
        (status = UNPROCESSABLE_ENTITY, description = "Invalid audience, clients that are not yours (named), or over 10,000 chosen clients", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/audiences/preview")]
pub async fn preview_audience(
    req: HttpRequest,
    current: CurrentUser,
    body: Json<AudiencePreviewRequest>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    // A read sent by POST: the cached lists stay as they are.
    req.extensions_mut().insert(WritesNothing);
    let mut v = Validator::new();
    let audience = Audience::parse(&mut v, Some(&body.audience), None, None);
    if let Some(Audience::Clients(ids)) = &audience
        && ids.len() > MAX_FILTER_IDS
    {
        let said = mailroom_domain::catalogue::Said::with(
            mailroom_domain::catalogue::Msg::PreviewTooManyClients,
            [MAX_FILTER_IDS],
        );
        v.add("client_ids", said);
    }
    v.finish().map_err(ApiError::Validation)?;
    let audience =
        audience.ok_or_else(|| ApiError::Internal("validated audience missing".into()))?;
    let owner_id = current.id();
    let preview = blocking(&pool, move |conn| {
        let selection = match audience {
            Audience::All => ClientSelection::default(),
            Audience::Segment(tags) => ClientSelection {
                tags,
                ..ClientSelection::default()
            },
            Audience::Clients(ids) => {
                if let Some(error) = foreign_clients(conn, owner_id, &ids)? {
                    return Err(ApiError::Validation(vec![error]));
                }
                ClientSelection {
                    tags: TagFilter::default(),
                    ids: Some(ids),
                    search: None,
                }
            }
        };
        let matching = clients::matching(conn, &ClientFilter::of_owner(owner_id, selection))?;
        let by_email = Sort {
            field: ClientSort::Email,
            descending: false,
        };
        let (rows, total) =
            clients::page_of(conn, || matching.query(), by_email, 0, PREVIEW_CLIENTS)?;
        let unsubscribed: i64 = matching
            .query()
            .filter(client_table::unsubscribed_at.is_not_null())
            .count()
            .get_result(conn)?;
        Ok(AudiencePreview {
            client_count: count(total),
            unsubscribed: count(unsubscribed),
            items: with_tags(conn, rows)?,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(preview))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AudienceListQuery {
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

/// The clients a mailing's audience holds now (for a segment, as it is evaluated at this moment),
/// page by page.
#[utoipa::path(
    tag = "mailings",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The mailing's id"), AudienceListQuery),
    responses(
        (status = OK, body = Page<Client>),
        (status = UNPROCESSABLE_ENTITY, description = "Invalid page, per_page or sort", body = Problem, content_type = "application/problem+json"),
        (status = NOT_FOUND, description = "No such mailing of yours", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/mailings/{id}/clients")]
pub async fn mailing_clients(
    current: CurrentUser,
    path: web::Path<i64>,
    query: web::Query<AudienceListQuery>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let list =
        ListRequest::<ClientSort>::parse(query.page, query.per_page, query.sort.as_deref(), None)?;
    let mailing = owned::mailing(&pool, &current, path.into_inner(), Intent::Read).await?;
    let (sort, offset, limit) = (list.sort, list.offset(), list.limit());
    let (items, total) = blocking(&pool, move |conn| {
        let audience = audiences::of(conn, &mailing)?;
        let members = audiences::members(conn, &audience)?;
        let (rows, total) = clients::page_of(conn, || members.query(), sort, offset, limit)?;
        Ok::<_, ApiError>((with_tags(conn, rows)?, total))
    })
    .await?;
    Ok(HttpResponse::Ok().json(list.page_of(items, total)))
}

/// The ids a request adds or takes out, checked.
fn chosen(body: &MailingClients) -> Result<Vec<i64>, ApiError> {
    let mut v = Validator::new();
    if body.client_ids.is_empty() {
        v.add(
            "client_ids",
            mailroom_domain::catalogue::Said::new(mailroom_domain::catalogue::Msg::NameAClient),
        );
    } else if body.client_ids.len() > MAX_FILTER_IDS {
        let said = mailroom_domain::catalogue::Said::with(
            mailroom_domain::catalogue::Msg::ClientsTooManyAtOnce,
            [MAX_FILTER_IDS],
        );
        v.add("client_ids", said);
    }
    v.finish().map_err(ApiError::Validation)?;
    let mut ids = body.client_ids.clone();
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

async fn change_clients(
    current: CurrentUser,
    id: i64,
    body: &MailingClients,
    pool: &DbPool,
    clock: &dyn Clock,
    add: bool,
) -> Result<HttpResponse, ApiError> {
    let now = clock.now();
    let ids = chosen(body)?;
    let row = owned::mailing(pool, &current, id, Intent::Change).await?;
    blocking(pool, move |conn| {
        service::change_clients(conn, row.id, now, &ids, add)
    })
    .await?;
    Ok(HttpResponse::Ok().json(answer(pool, id, now).await?))
}

/// Add clients to a mailing of chosen clients; those it has already stay once.
#[utoipa::path(
    tag = "mailings",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The mailing's id")),
    request_body = MailingClients,
    responses(
        (status = OK, description = "The mailing, with its new client count", body = Mailing),
        (status = UNPROCESSABLE_ENTITY, description = "No ids, over 10,000, or clients that are not yours (named)", body = Problem, content_type = "application/problem+json"),
        (status = CONFLICT, description = "The audience is not chosen clients, or the mailing is completed", body = Problem, content_type = "application/problem+json"),
        (status = NOT_FOUND, description = "No such mailing of yours", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "A manager changing someone else's mailing", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/mailings/{id}/clients")]
pub async fn add_mailing_clients(
    current: CurrentUser,
    path: web::Path<i64>,
    body: Json<MailingClients>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    change_clients(current, path.into_inner(), &body, &pool, &**clock, true).await
}

/// Take clients out of a mailing of chosen clients; ids it does not have are ignored.
#[utoipa::path(
    tag = "mailings",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The mailing's id")),
    request_body = MailingClients,
    responses(
        (status = OK, description = "The mailing, with its new client count", body = Mailing),
        (status = UNPROCESSABLE_ENTITY, description = "No ids, or over 10,000", body = Problem, content_type = "application/problem+json"),
        (status = CONFLICT, description = "The audience is not chosen clients, or the mailing is completed", body = Problem, content_type = "application/problem+json"),
        (status = NOT_FOUND, description = "No such mailing of yours", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "A manager changing someone else's mailing", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/mailings/{id}/clients")]
pub async fn remove_mailing_clients(
    current: CurrentUser,
    path: web::Path<i64>,
    body: Json<MailingClients>,
    pool: web::Data<DbPool>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    change_clients(current, path.into_inner(), &body, &pool, &**clock, false).await
}
