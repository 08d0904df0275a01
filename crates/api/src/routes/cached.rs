//! Answers through the server cache (`crate::cache`): a handler names what its answer depends on
//! and how to compute it; the cache decides whether to compute.

use std::future::Future;

use actix_web::HttpResponse;
use actix_web::http::header::ContentType;
use chrono::NaiveDateTime;
use serde::Serialize;

use crate::cache::{Cache, Scope};
use crate::http::api_error::ApiError;

/// The first pages of a list are what people open; deeper ones are read from the database.
pub const CACHED_PAGES: u32 = 3;

/// A list of one owner's rows, or (managers, unfiltered) of everyone's.
pub fn scope_of(owner_id: Option<i64>) -> Scope {
    owner_id.map_or(Scope::All, Scope::Owner)
}

/// A 200 with `compute`'s value as JSON, from the cache when `place` (scope and key) names one
/// and it holds a current answer. `compute` also says until when its value holds, if it changes
/// by time alone.
pub async fn respond<T, F, Fut>(
    cache: &Cache,
    place: Option<(Scope, String)>,
    now: NaiveDateTime,
    compute: F,
) -> Result<HttpResponse, ApiError>
where
    T: Serialize,
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<(T, Option<NaiveDateTime>), ApiError>>,
{
    let body = match place {
        Some((scope, key)) => cache.json(scope, &key, now, compute).await?,
        None => serde_json::to_vec(&compute().await?.0)?,
    };
    Ok(HttpResponse::Ok()
        .content_type(ContentType::json())
        .body(body))
}
