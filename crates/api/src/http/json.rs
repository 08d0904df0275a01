//! The API's JSON body extractor: `web::Json` (its limit, content type and problem answers), and
//! a body that is a JSON object. serde reads a struct from an array too (`[null, null]` fills its
//! fields in order), which no document describes and no client means; every body the API takes
//! is an object, so anything else is refused as a body of the wrong shape.

use std::ops::{Deref, DerefMut};

use actix_web::dev::Payload;
use actix_web::error::JsonPayloadError;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use mailroom_domain::wire::ProblemKind;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use super::problem::{ProblemError, json_problem};

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

fn parse<T: DeserializeOwned>(raw: &str) -> Result<T, ProblemError> {
    if !raw.starts_with('{') {
        return Err(ProblemError::new(
            ProblemKind::Validation,
            "the JSON body does not have the expected shape: it must be an object",
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
}
