//! `/api/v1/users`: managers find accounts and block or unblock them.

use actix_web::{HttpResponse, get, post, web};
use chrono::NaiveDateTime;
use mailroom_domain::account::UserSort;
use mailroom_domain::audit::AuditAction;
use mailroom_domain::catalogue::{Msg, Said};
use mailroom_domain::wire::{Page, Problem, User};
use serde::Deserialize;
use utoipa::IntoParams;

use tracing_actix_web::RequestId;

use super::listing::ListRequest;
use super::me::user_json;
use crate::audit;
use crate::auth::CurrentUser;
use crate::cache::Cache;
use crate::clock::Clock;
use crate::db::queries::deliveries::RunsOf;
use crate::db::queries::users;
use crate::db::{DbPool, blocking, write_transaction};
use crate::http::api_error::ApiError;
use crate::sending::start::stop;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserListQuery {
    /// 1-based page number (default 1).
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    /// Items per page, 1 to 200 (default 20).
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
    /// Only accounts whose address contains this text (any case).
    pub q: Option<String>,
    /// `created_at` or `email`; a leading - sorts descending (default: oldest first).
    #[param(schema_with = crate::routes::listing::sort_schema::<UserSort>)]
    pub sort: Option<String>,
}

/// Every account, oldest first unless sorted otherwise. Managers only.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(UserListQuery),
    responses(
        (status = OK, body = Page<User>),
        (status = UNPROCESSABLE_ENTITY, description = "Invalid page or per_page", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "Not a manager", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/users")]
pub async fn list_users(
    current: CurrentUser,
    query: web::Query<UserListQuery>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    current.actor().may_oversee_users()?;
    let list = ListRequest::<UserSort>::parse(
        query.page,
        query.per_page,
        query.sort.as_deref(),
        query.q.as_deref(),
    )?;
    let (search, sort, offset, limit) =
        (list.search.clone(), list.sort, list.offset(), list.limit());
    let (rows, total) = blocking(&pool, move |conn| {
        Ok::<_, ApiError>(users::list(conn, search.as_deref(), sort, offset, limit)?)
    })
    .await?;
    let items = rows
        .into_iter()
        .map(user_json)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(list.page_of(items, total)))
}

/// One account. Managers only.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The account's id")),
    responses(
        (status = OK, body = User),
        (status = NOT_FOUND, description = "No such account", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "Not a manager", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/users/{id}")]
pub async fn get_user(
    current: CurrentUser,
    path: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    current.actor().may_oversee_users()?;
    let id = path.into_inner();
    let row = blocking(&pool, move |conn| Ok::<_, ApiError>(users::find(conn, id)?)).await?;
    let row = row.ok_or_else(|| ApiError::missing(Said::with(Msg::ThingUser, [id])))?;
    Ok(HttpResponse::Ok().json(user_json(row)?))
}

async fn set_blocked(
    current: CurrentUser,
    request_id: RequestId,
    id: i64,
    pool: &DbPool,
    cache: &Cache,
    now: NaiveDateTime,
    blocked: bool,
) -> Result<HttpResponse, ApiError> {
    current.actor().may_oversee_users()?;
    let actor = current.actor();
    let manager_email = current.user.email.clone();
    let request_id = request_id.to_string();
    let row = blocking(pool, move |conn| {
        write_transaction::<_, ApiError, _>(conn, |conn| {
            let user = users::find(conn, id)?
                .ok_or_else(|| ApiError::missing(Said::with(Msg::ThingUser, [id])))?;
            actor.may_block(user.id, user.role)?;
            let changed = if blocked {
                let changed = users::block(conn, id, now)?;
                // Their mail stops now: what is queued is cancelled, not left to a worker's check.
                stop(conn, RunsOf::Owner(id), now)?;
                changed
            } else {
                users::unblock(conn, id, now)?
            };
            // Audited when it changed something (as the update counted it, so two managers at
            // once make one entry): blocking a blocked account does nothing.
            if changed > 0 {
                let action = if blocked {
                    AuditAction::UserBlocked
                } else {
                    AuditAction::UserUnblocked
                };
                let by = audit::Actor::Account {
                    id: actor.id,
                    email: &manager_email,
                };
                let target = audit::Target::user(user.id, &user.email);
                audit::record(conn, by, action, target, "", Some(&request_id), now)?;
            }
            users::find(conn, id)?
                .ok_or_else(|| ApiError::missing(Said::with(Msg::ThingUser, [id])))
        })
    })
    .await?;
    // Their runs' figures moved (cancelled deliveries); the writer's own are handled for them.
    cache.changed([id]).await;
    tracing::info!(
        manager = actor.id,
        user = id,
        blocked,
        "account state changed"
    );
    Ok(HttpResponse::Ok().json(user_json(row)?))
}

/// Block an account: its sessions, refresh tokens and API tokens stop working on their next use.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The account's id")),
    responses(
        (status = OK, description = "Blocked", body = User),
        (status = NOT_FOUND, description = "No such account", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "Not a manager, or the account is a manager or yourself", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users/{id}/block")]
pub async fn block_user(
    current: CurrentUser,
    request_id: RequestId,
    path: web::Path<i64>,
    pool: web::Data<DbPool>,
    cache: web::Data<Cache>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let now = clock.now();
    set_blocked(
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

/// Unblock an account: it is again active, or unconfirmed if its address was never proven.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The account's id")),
    responses(
        (status = OK, description = "Active again", body = User),
        (status = NOT_FOUND, description = "No such account", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "Not a manager, or the account is a manager or yourself", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users/{id}/unblock")]
pub async fn unblock_user(
    current: CurrentUser,
    request_id: RequestId,
    path: web::Path<i64>,
    pool: web::Data<DbPool>,
    cache: web::Data<Cache>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let now = clock.now();
    set_blocked(
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
