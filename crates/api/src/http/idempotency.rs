//! `Idempotency-Key` (the IETF httpapi draft) on every POST and PATCH under `/api/v1`: the first
//! request with a key runs, and its status and body are kept for 24 hours per user and key; a
//! repeat with the same method, path and body gets them back (with `Idempotent-Replayed: true`)
//! without running again. The same key with another request is a 422, a repeat while the first
//! still runs a 409. The store is the database, so a retry that lands on another process is
//! answered the same. Requests without a signed-in user (sign-up, sign-in) are not remembered:
//! there is nobody to keep them for; nor are the account's own (`/auth/…`, `/me…`), whose answers
//! hold fresh credentials (tokens, cookies) that must never be stored or handed out twice.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse, ResponseError, web};
use futures_util::StreamExt;
use mailroom_domain::catalogue::{Explain, Msg, Said};
use mailroom_domain::idempotency::{IdempotencyKey, KEPT_FOR, KeyError, RUNS_FOR};
use mailroom_domain::wire::{Problem, ProblemKind, problem_types as types};
use rand::Rng;
use sha2::{Digest, Sha256};

use super::api_error::ApiError;
use super::problem::problem_response;
use crate::auth::CurrentUser;
use crate::clock::Clock;
use crate::db::queries::idempotency::{self, Claim, Kept};
use crate::db::{DbPool, blocking};

pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
pub const IDEMPOTENT_REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// The largest body read for a keyed request: what its route takes at most (a CSV import's, or
/// any JSON body's), so that a key never makes the server hold more than the route would.
fn max_body(path: &str) -> usize {
    if path == "/api/v1/clients/import" {
        crate::routes::clients::MAX_IMPORT_BYTES
    } else {
        super::problem::MAX_JSON_BODY
    }
}

/// Whether keyed requests to `path` are remembered: everything under `/api/v1` but the
/// account's credentials (API tokens and sessions are kept only as hashes, so a stored answer
/// would be the one copy of a live one). A webhook's signing secret is remembered: the endpoint
/// keeps it in the clear anyway, to sign with, and a retried create must not make a second
/// endpoint.
pub fn remembered(path: &str) -> bool {
    path.starts_with("/api/v1/")
        && !path.starts_with("/api/v1/auth/")
        && path != "/api/v1/me"
        && !path.starts_with("/api/v1/me/")
}

pub async fn keys(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // Only a request some route answers: a method the path does not take is a 405, key or not.
    let routed = req
        .app_data::<actix_web::web::Data<super::fallback::KnownRoutes>>()
        .is_none_or(|known| {
            known
                .allowed(req.path())
                .is_some_and(|methods| methods.contains(&req.method().as_str()))
        });
    let applies =
        matches!(*req.method(), Method::POST | Method::PATCH) && remembered(req.path()) && routed;
    let Some(raw) = req
        .headers()
        .get(IDEMPOTENCY_KEY)
        .filter(|_| applies)
        .cloned()
    else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let key = match raw
        .to_str()
        .map_err(|_| KeyError::NotPrintable)
        .and_then(IdempotencyKey::parse)
    {
        Ok(key) => key,
        Err(error) => {
            let problem = Problem::said(
                ProblemKind::BadRequest,
                Said::of(Msg::KeyInvalid, error.said()),
            )
            .with_type(types::IDEMPOTENCY_KEY_INVALID);
            return Ok(req.into_response(problem_response(&problem)));
        }
    };
    let user = match req.extract::<CurrentUser>().await {
        Ok(user) => user,
        // The account could not be read (the database is down): running the request without
        // its key's protection would let a retry run it twice.
        Err(error) if error.status_code().is_server_error() => {
            return Ok(req.into_response(error.error_response()));
        }
        // Not signed in: the handler says so (401) as it would without the key.
        Err(_) => return Ok(next.call(req).await?.map_into_boxed_body()),
    };
    let limit = max_body(req.path());
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Ok(req.into_response(problem_response(&too_large(limit))));
    }
    let body = match read_body(req.take_payload(), limit).await {
        Ok(body) => body,
        Err(problem) => return Ok(req.into_response(problem_response(&problem))),
    };
    let fingerprint = fingerprint(req.method().as_str(), &req.uri().to_string(), &body);
    let (Some(pool), Some(clock)) = (
        req.app_data::<web::Data<DbPool>>().cloned(),
        req.app_data::<web::Data<dyn Clock>>().cloned(),
    ) else {
        return Ok(req.into_response(internal("no database")));
    };
    let now = clock.now();
    let (user_id, key_text) = (user.id(), key.as_str().to_owned());
    let lease = rand::rng().random_range(1..i64::MAX);
    let claim = {
        let (fingerprint, key_text) = (fingerprint.clone(), key_text.clone());
        blocking(&pool, move |conn| {
            let held = idempotency::Held {
                user_id,
                key: &key_text,
                lease,
            };
            idempotency::claim(conn, held, &fingerprint, now, KEPT_FOR, RUNS_FOR)
        })
        .await
    };
    // An error is answered here, not returned: what this middleware returns as an error would
    // pass the problem documents by and reach the client as text.
    let claim = match claim {
        Ok(claim) => claim,
        Err(error) => return Ok(req.into_response(internal(&error.to_string()))),
    };
    match claim {
        Claim::Run => {}
        Claim::Replay(kept) => return Ok(req.into_response(replay(kept))),
        Claim::Reused => {
            let problem = Problem::said(ProblemKind::Validation, Said::new(Msg::KeyReused))
                .with_type(types::IDEMPOTENCY_KEY_REUSED);
            return Ok(req.into_response(problem_response(&problem)));
        }
        Claim::Running => {
            let problem = Problem::said(ProblemKind::Conflict, Said::new(Msg::KeyRunning))
                .with_type(types::IDEMPOTENCY_KEY_IN_USE);
            return Ok(req.into_response(problem_response(&problem)));
        }
    }
    req.set_payload(Payload::from(body));
    let res = next.call(req).await?;
    let (req, res) = res.into_parts();
    let status = res.status();
    let content_type = header_text(res.headers().get(header::CONTENT_TYPE));
    let location = header_text(res.headers().get(header::LOCATION));
    let content_language = header_text(res.headers().get(header::CONTENT_LANGUAGE));
    let (head, body) = res.into_parts();
    let body = actix_web::body::to_bytes(body)
        .await
        .map_err(|e| e.into().to_string());
    // What says nothing about the request's effect is no answer to keep, so that a retry gets
    // another go: a server error, "too many requests", and refusals of how it was sent (its
    // credentials, its content type) that the retry may well have fixed.
    let keep = !status.is_server_error()
        && !matches!(
            status,
            StatusCode::TOO_MANY_REQUESTS
                | StatusCode::UNAUTHORIZED
                | StatusCode::FORBIDDEN
                | StatusCode::UNSUPPORTED_MEDIA_TYPE
        );
    // An answer that could not be read is none: the key is let go, as after a server error.
    let kept = match &body {
        Ok(body) if keep => Some(Kept {
            status: status.as_u16(),
            content_type,
            location,
            content_language,
            body: body.to_vec(),
        }),
        _ => None,
    };
    let stored = blocking(&pool, move |conn| {
        let held = idempotency::Held {
            user_id,
            key: &key_text,
            lease,
        };
        Ok::<_, crate::db::DbError>(idempotency::finish(conn, held, kept.as_ref())?)
    })
    .await;
    if let Err(error) = stored {
        tracing::error!(%error, "cannot keep an idempotent answer");
    }
    let body = match body {
        Ok(body) => body,
        Err(cause) => return Ok(ServiceResponse::new(req, internal(&cause))),
    };
    Ok(ServiceResponse::new(
        req,
        head.set_body(body).map_into_boxed_body(),
    ))
}

/// The body, read whole (up to `limit`): its bytes decide whether a repeat is the same request,
/// and the handler reads them after.
async fn read_body(mut payload: Payload, limit: usize) -> Result<web::Bytes, Problem> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            Problem::said(
                ProblemKind::BadRequest,
                Said::with(Msg::BodyUnreadable, [e]),
            )
        })?;
        if body.len() + chunk.len() > limit {
            return Err(too_large(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn too_large(limit: usize) -> Problem {
    Problem::said(
        ProblemKind::PayloadTooLarge,
        Said::with(Msg::BodyOverRouteLimit, [limit]),
    )
}

fn internal(cause: &str) -> HttpResponse {
    ApiError::Internal(cause.to_owned()).error_response()
}

/// What makes two requests the same: method, path (with its query) and body, hashed.
pub fn fingerprint(method: &str, path: &str, body: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(method.as_bytes());
    hash.update(b" ");
    hash.update(path.as_bytes());
    hash.update(b"\n");
    hash.update(body);
    hex::encode(hash.finalize())
}

fn header_text(value: Option<&HeaderValue>) -> Option<String> {
    value.and_then(|v| v.to_str().ok()).map(str::to_owned)
}

fn replay(kept: Kept) -> HttpResponse {
    let status = StatusCode::from_u16(kept.status).unwrap_or(StatusCode::OK);
    let mut res = HttpResponse::build(status);
    res.insert_header((IDEMPOTENT_REPLAYED, "true"));
    if let Some(content_type) = kept.content_type {
        res.insert_header((header::CONTENT_TYPE, content_type));
    }
    if let Some(location) = kept.location {
        res.insert_header((header::LOCATION, location));
    }
    // Given back in the words it was written in, whatever language the retry asks for.
    if let Some(language) = kept.content_language {
        res.insert_header((header::CONTENT_LANGUAGE, language));
        res.insert_header((header::VARY, "Accept-Language"));
    }
    res.body(kept.body)
}
