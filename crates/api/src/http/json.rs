//! The API's JSON body extractors: `web::Json` (its limit, content type and problem answers), and
//! a body that is a JSON object; and the same for a body a client may leave out. serde reads a struct from an array too (`[null, null]` fills its
//! fields in order), which no document describes and no client means; every body the API takes
//! is an object, so anything else is refused as a body of the wrong shape.

use std::ops::{Deref, DerefMut};

use actix_web::dev::Payload;
use actix_web::error::JsonPayloadError;
use actix_web::http::header;
use actix_web::web::BytesMut;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::StreamExt;
use futures_util::future::LocalBoxFuture;
use mailroom_domain::catalogue::{Msg, Said};
use mailroom_domain::wire::ProblemKind;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use super::problem::{MAX_JSON_BODY, ProblemError, json_problem};

/// A request body: a JSON object read as `T`.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Json<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> DerefMut for Json<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let raw = web::Json::<Box<RawValue>>::from_request(req, payload);
        Box::pin(async move {
            let raw = raw.await?.into_inner();
            parse(raw.get()).map(Json).map_err(Into::into)
        })
    }
}

/// An optional request body: none when it is empty (or only white space) or `null`; anything
/// else must be a JSON object read as `T`, under the same limit, content type and problems as
/// [`Json`]. For bodies a client may leave out: a refresh token a browser sends as a cookie
/// instead, a test send's client.
#[derive(Debug)]
pub struct OptionalJson<T>(pub Option<T>);

impl<T> OptionalJson<T> {
    pub fn into_inner(self) -> Option<T> {
        self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for OptionalJson<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let is_json = req.mime_type().ok().flatten().is_some_and(|mime| {
            mime.subtype().as_str() == "json" || mime.suffix().is_some_and(|s| s.as_str() == "json")
        });
        // Decoded as `web::Json` decodes it: a gzip or brotli body is taken too.
        let mut payload = actix_web::dev::Decompress::from_headers(payload.take(), req.headers());
        Box::pin(async move {
            if let Some(length) = declared.filter(|&l| l > MAX_JSON_BODY) {
                return Err(json_problem(&JsonPayloadError::OverflowKnownLength {
                    length,
                    limit: MAX_JSON_BODY,
                })
                .into());
            }
            let mut body = BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk?;
                if body.len() + chunk.len() > MAX_JSON_BODY {
                    return Err(json_problem(&JsonPayloadError::Overflow {
                        limit: MAX_JSON_BODY,
                    })
                    .into());
                }
                body.extend_from_slice(&chunk);
            }
            optional(&body, is_json)
                .map(OptionalJson)
                .map_err(Into::into)
        })
    }
}

fn optional<T: DeserializeOwned>(body: &[u8], is_json: bool) -> Result<Option<T>, ProblemError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    if !is_json {
        return Err(json_problem(&JsonPayloadError::ContentType));
    }
    let raw: Box<RawValue> = serde_json::from_slice(body)
        .map_err(|e| json_problem(&JsonPayloadError::Deserialize(e)))?;
    if raw.get() == "null" {
        return Ok(None);
    }
    parse(raw.get()).map(Some)
}

fn parse<T: DeserializeOwned>(raw: &str) -> Result<T, ProblemError> {
    if !raw.starts_with('{') {
        return Err(ProblemError::new(
            ProblemKind::Validation,
            Said::new(Msg::BodyNotObject),
        ));
    }
    serde_json::from_str(raw).map_err(|e| json_problem(&JsonPayloadError::Deserialize(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Pair {
        a: Option<i64>,
        b: Option<i64>,
    }

    #[test]
    fn an_object_is_read_and_an_array_of_the_fields_is_refused() {
        assert_eq!(
            parse::<Pair>(r#"{"a": 1}"#).expect("an object"),
            Pair {
                a: Some(1),
                b: None
            }
        );
        // serde alone would take this as {"a": null, "b": 2}.
        assert!(serde_json::from_str::<Pair>("[null, 2]").is_ok());
        let refused = parse::<Pair>("[null, 2]").expect_err("an array");
        assert_eq!(refused.problem().status, 422);
        assert_eq!(
            parse::<Pair>("null").expect_err("null").problem().status,
            422
        );
    }

    #[test]
    fn an_optional_body_left_out_or_null_is_none_and_anything_else_must_be_the_object() {
        assert_eq!(optional::<Pair>(b"", false).expect("empty"), None);
        assert_eq!(optional::<Pair>(b" \n\t", false).expect("blank"), None);
        assert_eq!(optional::<Pair>(b" null ", true).expect("null"), None);
        assert_eq!(
            optional::<Pair>(br#"{"b": 2}"#, true).expect("an object"),
            Some(Pair {
                a: None,
                b: Some(2)
            })
        );
        let status = |body: &[u8], is_json| {
            optional::<Pair>(body, is_json)
                .expect_err("refused")
                .problem()
                .status
        };
        assert_eq!(status(br#"{"b": 2}"#, false), 415);
        assert_eq!(status(b"{", true), 400);
        assert_eq!(status(b"\xff", true), 400);
        assert_eq!(status(b"[null, 2]", true), 422);
        assert_eq!(status(br#"{"a": "x"}"#, true), 422);
    }
}
