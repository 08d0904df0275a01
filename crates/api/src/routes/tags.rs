//! `/api/v1/tags`: the names the signed-in user groups their clients by. Everyone, managers too,
//! sees and changes only their own tags; a tag is named in the path, in any case.

use actix_web::{HttpResponse, delete, get, patch, web};
use mailroom_domain::catalogue::{Msg, Said};
use mailroom_domain::tag::TagName;
use mailroom_domain::validation::Validator;
use mailroom_domain::wire::{Problem, Tag, TagList, TagRename};

use crate::auth::CurrentUser;
use crate::clients::tags::{self as service, TagError, list};
use crate::db::queries::tags;
use crate::db::{DbPool, blocking};
use crate::http::api_error::ApiError;
use crate::http::json::Json;

fn count(clients: i64) -> u64 {
    u64::try_from(clients).unwrap_or_default()
}

impl From<TagError> for ApiError {
    fn from(e: TagError) -> Self {
        match e {
            TagError::NotFound(name) => ApiError::missing(Said::with(Msg::ThingTag, [name])),
            TagError::InUse { name, mailings } => {
                ApiError::Conflict(Said::with(Msg::TagInUse, [name, list(&mailings)]))
            }
            TagError::Conflict { from, to, mailings } => {
                ApiError::Conflict(Said::with(Msg::TagsWouldMerge, [list(&mailings), from, to]))
            }
            TagError::Db(db) => db.into(),
        }
    }
}

/// Your tags, each with how many of your clients carry it.
#[utoipa::path(
    tag = "tags",
    security(("bearer" = [])),
    responses(
        (status = OK, body = TagList),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tags")]
pub async fn list_tags(
    current: CurrentUser,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let owner_id = current.id();
    let items = blocking(&pool, move |conn| {
        Ok::<_, ApiError>(tags::list(conn, owner_id)?)
    })
    .await?
    .into_iter()
    .map(|(name, clients)| Tag {
        name,
        clients: count(clients),
    })
    .collect();
    Ok(HttpResponse::Ok().json(TagList { items }))
}

/// Rename a tag, on every client carrying it. A name another of your tags has (in any case)
/// makes the two one tag.
#[utoipa::path(
    tag = "tags",
    security(("bearer" = [])),
    params(("name" = String, Path, description = "The tag's name, in any case")),
    request_body = TagRename,
    responses(
        (status = OK, description = "The tag as it now is", body = Tag),
        (status = UNPROCESSABLE_ENTITY, description = "Invalid new name", body = Problem, content_type = "application/problem+json"),
        (status = CONFLICT, description = "Merging onto that tag would change a mailing's segment (the mailings are named)", body = Problem, content_type = "application/problem+json"),
        (status = NOT_FOUND, description = "No such tag of yours", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/tags/{name}")]
pub async fn rename_tag(
    current: CurrentUser,
    path: web::Path<String>,
    body: Json<TagRename>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let mut v = Validator::new();
    let to = v.check("name", TagName::parse(&body.name));
    v.finish().map_err(ApiError::Validation)?;
    let to = to.ok_or_else(|| ApiError::Internal("validated name missing".into()))?;
    let (owner_id, name) = (current.id(), path.into_inner());
    let tag = blocking(&pool, move |conn| {
        let clients = service::rename(conn, owner_id, &name, &to)?;
        Ok::<_, ApiError>(Tag {
            name: to.as_ref().to_owned(),
            clients: count(clients),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(tag))
}

/// Delete a tag: it comes off every client carrying it; the clients stay. Refused while a
/// mailing's segment uses it.
#[utoipa::path(
    tag = "tags",
    security(("bearer" = [])),
    params(("name" = String, Path, description = "The tag's name, in any case")),
    responses(
        (status = NO_CONTENT, description = "Deleted"),
        (status = CONFLICT, description = "A mailing's segment uses the tag (the mailings are named)", body = Problem, content_type = "application/problem+json"),
        (status = NOT_FOUND, description = "No such tag of yours", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/tags/{name}")]
pub async fn delete_tag(
    current: CurrentUser,
    path: web::Path<String>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let (owner_id, name) = (current.id(), path.into_inner());
    blocking(&pool, move |conn| {
        Ok::<_, ApiError>(service::delete(conn, owner_id, &name)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
