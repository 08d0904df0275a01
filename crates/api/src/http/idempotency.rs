//! `Idempotency-Key` (the IETF httpapi draft) on every POST and PATCH under `/api/v1`: the first
//! request with a key runs, and its status and body are kept for 24 hours per user and key; a
//! repeat with the same method, path and body gets them back (with `Idempotent-Replayed: true`)
//! without running again. The same key with another request is a 422, a repeat while the first
//! still runs a 409. The store is the database, so a retry that lands on another process is
//! answered the same. Requests without a signed-in user (sign-up, sign-in) are not remembered:
//! there is nobody to keep them for.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse, web};
use futures_util::StreamExt;
use mailroom_domain::idempotency::{IdempotencyKey, KEPT_FOR, KeyError, RUNS_FOR};
use mailroom_domain::wire::{Problem, ProblemKind, problem_types as types};
use sha2::{Digest, Sha256};

use super::problem::problem_response;
use crate::auth::CurrentUser;
use crate::clock::Clock;
use crate::db::queries::idempotency::{self, Claim, Kept};
use crate::db::{DbPool, blocking};

pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
pub const IDEMPOTENT_REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// The largest body remembered: the largest the API takes at all (a CSV import).
const MAX_BODY: usize = crate::routes::clients::MAX_IMPORT_BYTES;

pub async fn keys(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let applies =
        matches!(*req.method(), Method::POST | Method::PATCH) && req.path().starts_with("/api/v1/");
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
            let problem = Problem::new(
                ProblemKind::BadRequest,
                format!("Idempotency-Key: {error} (it takes 1 to 255 printable ASCII characters)"),
            )
            .with_type(types::IDEMPOTENCY_KEY_INVALID);
            return Ok(req.into_response(problem_response(&problem)));
        }
    };
    // Not signed in: the handler says so (401) as it would without the key.
    let Ok(user) = req.extract::<CurrentUser>().await else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let body = match read_body(req.take_payload()).await {
        Ok(body) => body,
        Err(problem) => return Ok(req.into_response(problem_response(&problem))),
    };
    let fingerprint = fingerprint(req.method().as_str(), &req.uri().to_string(), &body);
    let (Some(pool), Some(clock)) = (
        req.app_data::<web::Data<DbPool>>().cloned(),
        req.app_data::<web::Data<dyn Clock>>().cloned(),
    ) else {
        return Err(actix_web::error::ErrorInternalServerError("no database"));
    };
    let now = clock.now();
    let (user_id, key_text) = (user.id(), key.as_str().to_owned());
    let claim = {
        let (fingerprint, key_text) = (fingerprint.clone(), key_text.clone());
        blocking(&pool, move |conn| {
            idempotency::claim(
                conn,
                user_id,
                &key_text,
                &fingerprint,
                now,
                KEPT_FOR,
                RUNS_FOR,
            )
        })
        .await
        .map_err(actix_web::error::ErrorInternalServerError)?
    };
    match claim {
        Claim::Run => {}
        Claim::Replay(kept) => return Ok(req.into_response(replay(kept))),
        Claim::Reused => {
            let problem = Problem::new(
                ProblemKind::Validation,
                "this Idempotency-Key was used with another request (method, path or body); use a new key",
            )
            .with_type(types::IDEMPOTENCY_KEY_REUSED);
            return Ok(req.into_response(problem_response(&problem)));
        }
        Claim::Running => {
            let problem = Problem::new(
                ProblemKind::Conflict,
                "a request with this Idempotency-Key is still running; retry once it has answered",
            )
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
    let (head, body) = res.into_parts();
    let body = actix_web::body::to_bytes(body)
        .await
        .map_err(|e| actix_web::error::ErrorInternalServerError(e.into().to_string()))?;
    // A server error or "too many requests" is no answer to keep: a retry deserves another go.
    let keep = !status.is_server_error() && status != StatusCode::TOO_MANY_REQUESTS;
    let kept = keep.then(|| Kept {
        status: status.as_u16(),
        content_type,
        location,
        body: body.to_vec(),
    });
    let stored = blocking(&pool, move |conn| {
        Ok::<_, crate::db::DbError>(idempotency::finish(
            conn,
            user_id,
            &key_text,
            kept.as_ref(),
        )?)
    })
    .await;
    if let Err(error) = stored {
        tracing::error!(%error, "cannot keep an idempotent answer");
    }
    Ok(ServiceResponse::new(
        req,
        head.set_body(body).map_into_boxed_body(),
    ))
}

/// The body, read whole (up to the API's largest): its bytes decide whether a repeat is the same
/// request, and the handler reads them after.
async fn read_body(mut payload: Payload) -> Result<web::Bytes, Problem> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| Problem::new(ProblemKind::BadRequest, e.to_string()))?;
        if body.len() + chunk.len() > MAX_BODY {
            return Err(Problem::new(
                ProblemKind::PayloadTooLarge,
                format!("the body is over {MAX_BODY} bytes"),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
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
    res.body(kept.body)
}
