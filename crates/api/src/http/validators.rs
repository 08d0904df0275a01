//! HTTP validators for the API: every successful JSON GET under `/api/v1` carries an ETag taken
//! from its body, and a request whose `If-None-Match` names it gets `304 Not Modified` with no body. The
//! browser then revalidates a list instead of downloading it again.
//!
//! The tag is weak (`W/"…"`): compression, applied outside this middleware, changes the bytes but
//! not the representation. Responses that set no `Cache-Control` of their own get
//! `private, no-cache`: kept by the browser only, and checked with the server before each use.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{
    CACHE_CONTROL, CONTENT_TYPE, ETAG, HeaderMap, HeaderValue, IF_NONE_MATCH,
};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse, ResponseError};
use sha2::{Digest, Sha256};

const API_PREFIX: &str = "/api/v1/";
const REVALIDATE: HeaderValue = HeaderValue::from_static("private, no-cache");

pub async fn etags(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let applies = req.method() == Method::GET && req.path().starts_with(API_PREFIX);
    let known = req.headers().get(IF_NONE_MATCH).cloned();
    let res = next.call(req).await?;
    // JSON only: a CSV export is a download, and may be too large to hold in memory to hash.
    let json = res
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !applies || !json || res.status() != StatusCode::OK {
        return Ok(res.map_into_boxed_body());
    }
    let (req, res) = res.into_parts();
    let (mut head, body) = res.into_parts();
    // Answered, not returned: an error returned here would reach the client as text.
    let bytes = match actix_web::body::to_bytes(body).await {
        Ok(bytes) => bytes,
        Err(e) => {
            let cause = format!("cannot read the response: {}", e.into());
            let internal = crate::http::api_error::ApiError::Internal(cause).error_response();
            return Ok(ServiceResponse::new(req, internal));
        }
    };
    let tag = weak_tag(&bytes);
    let headers = head.headers_mut();
    headers.insert(ETAG, tag.clone());
    if !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, REVALIDATE);
    }
    if known.is_some_and(|list| matches(&list, &tag)) {
        let mut not_modified = HttpResponse::new(StatusCode::NOT_MODIFIED);
        copy_validators(head.headers(), not_modified.headers_mut());
        return Ok(ServiceResponse::new(req, not_modified));
    }
    Ok(ServiceResponse::new(
        req,
        head.set_body(bytes).map_into_boxed_body(),
    ))
}

/// `W/"…"`: the first 128 bits of the body's SHA-256, in hex.
fn weak_tag(body: &[u8]) -> HeaderValue {
    let digest = Sha256::digest(body);
    let tag = format!("W/\"{}\"", hex::encode(&digest[..16]));
    HeaderValue::from_str(&tag).expect("hex is a valid header value")
}

/// Whether an `If-None-Match` list names `tag` (weak comparison, RFC 9110 §13.1.2) or is `*`.
fn matches(list: &HeaderValue, tag: &HeaderValue) -> bool {
    let opaque = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    let (Ok(list), Ok(tag)) = (list.to_str(), tag.to_str()) else {
        return false;
    };
    let tag = opaque(tag);
    list.split(',').any(|t| t.trim() == "*" || opaque(t) == tag)
}

fn copy_validators(from: &HeaderMap, to: &mut HeaderMap) {
    for name in [ETAG, CACHE_CONTROL] {
        if let Some(value) = from.get(&name) {
            to.insert(name, value.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_compares_weakly_and_accepts_lists_and_a_star() {
        let tag = weak_tag(b"[]");
        let bare = tag
            .to_str()
            .expect("ascii")
            .trim_start_matches("W/")
            .to_owned();
        let value = |s: &str| HeaderValue::from_str(s).expect("header");
        assert!(matches(&tag, &tag));
        assert!(
            matches(&value(&bare), &tag),
            "a strong form of the same tag"
        );
        assert!(matches(&value(&format!("\"other\", {bare}")), &tag));
        assert!(matches(&value("*"), &tag));
        assert!(!matches(&value("W/\"other\""), &tag));
        assert!(
            !matches(&weak_tag(b"[1]"), &tag),
            "another body, another tag"
        );
    }
}
