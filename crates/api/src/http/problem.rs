//! Every error leaves as `application/problem+json` (RFC 9457).
//!
//! Handlers return errors that implement `ResponseError` through [`problem_response`]; the extractor
//! configs here turn malformed bodies, paths and queries into precise problems; and
//! [`error_handlers`] rewrites whatever else actix answers with an error (an unknown method, a body
//! too large for the server) so no client ever sees a text/plain error.

use std::fmt;

use actix_web::body::MessageBody;
use actix_web::dev::ServiceResponse;
use actix_web::error::{JsonPayloadError, QueryPayloadError};
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{HttpResponse, ResponseError, web};
use mailroom_domain::catalogue::{Msg, Said};
use mailroom_domain::wire::{PROBLEM_CONTENT_TYPE, Problem, ProblemKind};

/// The largest JSON body the API accepts: room for the largest one the document allows, a
/// mailing naming its 200,000 clients by id (up to 20 bytes each), or a message body of 100,000
/// characters each written as an escaped surrogate pair (12 bytes), with room to spare for white
/// space. Bulk data (CSV imports) has its own, larger limit.
pub const MAX_JSON_BODY: usize = 5 * 1024 * 1024;

/// Renders a problem document with its status and content type, in the request's language.
pub fn problem_response(problem: &Problem) -> HttpResponse {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let lang = super::language::current();
    let problem = problem.clone().localized(lang);
    let body = serde_json::to_string(&problem).unwrap_or_else(|_| String::from("{}"));
    super::language::mark(&mut HttpResponse::build(status))
        .insert_header((header::CONTENT_TYPE, PROBLEM_CONTENT_TYPE))
        .body(body)
}

/// An error that already knows the problem document it answers with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProblemError(Box<Problem>);

impl ProblemError {
    pub fn new(kind: ProblemKind, said: Said) -> Self {
        Self(Box::new(Problem::said(kind, said)))
    }

    pub fn problem(&self) -> &Problem {
        &self.0
    }
}

impl From<Problem> for ProblemError {
    fn from(problem: Problem) -> Self {
        Self(Box::new(problem))
    }
}

impl fmt::Display for ProblemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.detail.as_deref().unwrap_or(&self.0.title))
    }
}

impl std::error::Error for ProblemError {}

impl ResponseError for ProblemError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        problem_response(&self.0)
    }
}

pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(MAX_JSON_BODY)
        .error_handler(|err, _req| json_problem(&err).into())
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _req| query_problem(&err).into())
}

pub fn json_problem(err: &JsonPayloadError) -> ProblemError {
    match err {
        JsonPayloadError::ContentType => ProblemError::new(
            ProblemKind::UnsupportedMediaType,
            Said::new(Msg::BodyNotJson),
        ),
        JsonPayloadError::OverflowKnownLength { length, limit } => ProblemError::new(
            ProblemKind::PayloadTooLarge,
            Said::with(Msg::BodyHasBytes, [length, limit]),
        ),
        JsonPayloadError::Overflow { limit } => ProblemError::new(
            ProblemKind::PayloadTooLarge,
            Said::with(Msg::BodyOverLimit, [limit]),
        ),
        // serde's own words say where the body went wrong; they are not translated.
        JsonPayloadError::Deserialize(e) if e.is_data() => {
            ProblemError::new(ProblemKind::Validation, Said::with(Msg::BodyShape, [e]))
        }
        JsonPayloadError::Deserialize(e) => ProblemError::new(
            ProblemKind::BadRequest,
            Said::with(Msg::BodyNotValidJson, [e]),
        ),
        other => ProblemError::new(
            ProblemKind::BadRequest,
            Said::with(Msg::BodyUnreadable, [other]),
        ),
    }
}

fn query_problem(err: &QueryPayloadError) -> ProblemError {
    ProblemError::new(
        ProblemKind::BadRequest,
        Said::with(Msg::QueryInvalid, [err]),
    )
}

/// Rewrites every error response that is not already a problem document into one.
pub fn error_handlers<B: MessageBody + 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler(into_problem)
}

fn into_problem<B: MessageBody>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(PROBLEM_CONTENT_TYPE));
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }

    let status = res.status();
    let kind = ProblemKind::from_status(status.as_u16());
    let (req, original) = res.into_parts();
    let said = match status {
        StatusCode::NOT_FOUND => Said::with(Msg::NothingAt, [req.path()]),
        StatusCode::METHOD_NOT_ALLOWED => {
            Said::with(Msg::MethodRefused, [req.method().as_str(), req.path()])
        }
        StatusCode::PAYLOAD_TOO_LARGE => Said::new(Msg::BodyTooLargeHere),
        s if s.is_server_error() => {
            // The cause is in the log under this request's id; nothing internal is shown.
            if let Some(error) = original.error() {
                tracing::error!(error = %error, "request failed");
            }
            Said::new(Msg::InternalError)
        }
        // actix's own words name what it refused; they are not translated.
        _ => match original.error() {
            Some(error) => Said::with(Msg::RequestFailed, [error]),
            None => Said::new(kind.title_msg()),
        },
    };
    let problem = Problem::said(kind, said);
    let mut rewritten = problem_response(&problem);
    for (name, value) in original.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            rewritten.headers_mut().append(name.clone(), value.clone());
        }
    }
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, rewritten).map_into_right_body::<B>(),
    ))
}

#[cfg(test)]
mod tests {
    use actix_web::{App, test, web};
    use serde_json::Value;

    use super::*;

    async fn echo(body: web::Json<Value>) -> HttpResponse {
        HttpResponse::Ok().json(body.into_inner())
    }

    async fn call(req: test::TestRequest) -> (StatusCode, String, Value) {
        let app = test::init_service(
            App::new()
                .wrap(error_handlers())
                .app_data(json_config())
                .service(web::resource("/echo").route(web::post().to(echo))),
        )
        .await;
        let res = test::call_service(&app, req.to_request()).await;
        let status = res.status();
        let content_type = res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body: Value = test::read_body_json(res).await;
        (status, content_type, body)
    }

    #[actix_web::test]
    async fn malformed_json_is_a_400_problem_saying_where() {
        let req = test::TestRequest::post()
            .uri("/echo")
            .insert_header((header::CONTENT_TYPE, "application/json"))
            .set_payload("{\"a\": ");
        let (status, content_type, body) = call(req).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(content_type, PROBLEM_CONTENT_TYPE);
        assert_eq!(body["type"], "urn:mailroom:problem:bad-request");
        assert!(
            body["detail"]
                .as_str()
                .is_some_and(|d| d.starts_with("the body is not valid JSON")),
            "{body}"
        );
    }

    #[actix_web::test]
    async fn a_body_over_the_limit_is_a_413_problem() {
        let req = test::TestRequest::post()
            .uri("/echo")
            .insert_header((header::CONTENT_TYPE, "application/json"))
            .set_payload(vec![b' '; MAX_JSON_BODY + 1]);
        let (status, content_type, body) = call(req).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(content_type, PROBLEM_CONTENT_TYPE);
        assert_eq!(body["status"], 413);
    }

    #[actix_web::test]
    async fn a_body_that_is_not_json_is_a_415_problem() {
        let req = test::TestRequest::post()
            .uri("/echo")
            .insert_header((header::CONTENT_TYPE, "text/plain"))
            .set_payload("hello");
        let (status, content_type, body) = call(req).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(content_type, PROBLEM_CONTENT_TYPE);
        assert_eq!(body["type"], "urn:mailroom:problem:unsupported-media-type");
    }

    #[actix_web::test]
    async fn a_wrong_method_becomes_a_405_problem() {
        let req = test::TestRequest::get().uri("/echo");
        let (status, content_type, body) = call(req).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(content_type, PROBLEM_CONTENT_TYPE);
        assert_eq!(body["detail"], "GET is not allowed on /echo");
    }
}
