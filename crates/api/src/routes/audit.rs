//! `GET /api/v1/audit`: managers read the audit trail. There is no way to change or delete an
//! entry through the API (nor in the database).

use actix_web::{HttpResponse, get, web};
use mailroom_domain::audit::{AuditAction, AuditTarget};
use mailroom_domain::validation::Validator;
use mailroom_domain::wire::{AuditEntry, Page, PageRequest, Problem};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::audit::entry_json;
use crate::auth::CurrentUser;
use crate::db::queries::audit::{self, AuditFilter};
use crate::db::{DbPool, blocking};
use crate::http::api_error::ApiError;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// 1-based page number (default 1).
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    /// Items per page, 1 to 200 (default 20).
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
    /// Only what this account did (its id).
    #[param(minimum = 1)]
    pub actor: Option<i64>,
    /// Only what was done to this: `user:<id>` or `mailing:<id>`.
    #[param(pattern = r"^(user|mailing):[1-9][0-9]{0,17}$")]
    pub target: Option<String>,
    /// Only entries of this action.
    #[param(value_type = Option<AuditAction>)]
    pub action: Option<String>,
}

fn check(query: &AuditQuery) -> Result<(AuditFilter, PageRequest), ApiError> {
    let mut v = Validator::new();
    let page = PageRequest::check(&mut v, query.page, query.per_page);
    if query.actor.is_some_and(|id| id < 1) {
        v.add(
            "actor",
            mailroom_domain::catalogue::Said::new(mailroom_domain::catalogue::Msg::ActorInvalid),
        );
    }
    let target = query
        .target
        .as_deref()
        .and_then(|raw| v.check("target", AuditTarget::parse(raw)));
    let action = query
        .action
        .as_deref()
        .and_then(|raw| v.check("action", raw.parse::<AuditAction>()));
    v.finish().map_err(ApiError::Validation)?;
    let page = page.ok_or_else(|| ApiError::Internal("validated page missing".into()))?;
    let filter = AuditFilter {
        actor_id: query.actor,
        target,
        action,
    };
    Ok((filter, page))
}

/// The audit trail, newest first: manager actions, role changes and managers made on the
/// command line, and sign-ins from a new address. Managers only.
#[utoipa::path(
    tag = "audit",
    security(("bearer" = [])),
    params(AuditQuery),
    responses(
        (status = OK, body = Page<AuditEntry>),
        (status = UNPROCESSABLE_ENTITY, description = "Invalid page, per_page or filter", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "Not a manager", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/audit")]
pub async fn list_audit(
    current: CurrentUser,
    query: web::Query<AuditQuery>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    current.actor().may_oversee_users()?;
    let (filter, page) = check(&query)?;
    let offset = i64::try_from(page.offset()).unwrap_or(i64::MAX);
    let limit = i64::from(page.per_page);
    let (rows, total) = blocking(&pool, move |conn| {
        Ok::<_, ApiError>(audit::page(conn, filter, offset, limit)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page {
        items: rows.into_iter().map(entry_json).collect(),
        total: u64::try_from(total).unwrap_or(0),
        page: page.page,
        per_page: page.per_page,
    }))
}
