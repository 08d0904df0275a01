//! The errors of the resource endpoints (accounts, tokens, users), each with its status.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use mailroom_domain::catalogue::{Arg, Explain, Msg, Said};
use mailroom_domain::permissions::{Refusal, RowRefusal};
use mailroom_domain::wire::{FieldError, Problem, ProblemKind};

use super::problem::problem_response;
use crate::db::DbError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{} invalid field(s)", .0.len())]
    Validation(Vec<FieldError>),
    #[error("{0}")]
    BadRequest(Said),
    #[error("{0}")]
    NotFound(Said),
    #[error("{0}")]
    Forbidden(Said),
    #[error("{0}")]
    Conflict(Said),
    #[error("{0}")]
    UnsupportedMediaType(Said),
    /// Too many of these requests; the next is allowed after this long.
    #[error("too many requests")]
    TooManyRequests(std::time::Duration),
    /// The mail server did not take a mail sent while the request waited.
    #[error("{0}")]
    MailNotSent(String),
    #[error("{0}")]
    Internal(String),
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        ApiError::Forbidden(refusal.said())
    }
}

impl ApiError {
    /// The 404 of `what` ("client 7"), which is not there or not the caller's to know of.
    pub fn missing(what: Said) -> Self {
        ApiError::NotFound(Said::of(Msg::NoSuch, what))
    }

    /// A 409 saying why, in the catalogue's words.
    pub fn conflict(why: &impl Explain) -> Self {
        ApiError::Conflict(why.said())
    }

    /// The answer when `actor` may not touch `what` ("client 7"): 404 when they may not know
    /// it exists, 403 when they see it but may not change it.
    pub fn for_row(refusal: RowRefusal, what: Said) -> Self {
        match refusal {
            RowRefusal::Hidden => ApiError::missing(what),
            RowRefusal::ReadOnly => ApiError::Forbidden(Said::of(Msg::ReadOnly, what)),
        }
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(e: serde_json::Error) -> Self {
        ApiError::Internal(format!("cannot write the answer as JSON: {e}"))
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        ApiError::Internal(e.to_string())
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        ApiError::Internal(e.to_string())
    }
}

impl From<crate::auth::password::HashError> for ApiError {
    fn from(e: crate::auth::password::HashError) -> Self {
        ApiError::Internal(e.to_string())
    }
}

/// The 422 answer listing each invalid field.
pub fn validation_problem(errors: Vec<FieldError>) -> Problem {
    let said = match errors.as_slice() {
        [one] => {
            let message = one.said.clone().map_or_else(
                || Arg::Text(one.message.clone()),
                |said| Arg::Said(Box::new(said)),
            );
            Said {
                msg: Msg::FieldInvalid,
                args: vec![Arg::Text(one.field.clone()), message],
            }
        }
        many => Said::with(Msg::FieldsInvalid, [many.len()]),
    };
    Problem::said(ProblemKind::Validation, said).with_errors(errors)
}

/// A 500 that shows nothing internal; the cause goes to the log with the request's id.
pub fn internal_problem(cause: &str) -> Problem {
    tracing::error!(cause, "request failed");
    Problem::said(ProblemKind::Internal, Said::new(Msg::InternalError))
}

impl ApiError {
    fn problem(&self) -> Problem {
        match self {
            ApiError::Validation(errors) => validation_problem(errors.clone()),
            ApiError::BadRequest(said) => Problem::said(ProblemKind::BadRequest, said.clone()),
            ApiError::NotFound(said) => Problem::said(ProblemKind::NotFound, said.clone()),
            ApiError::Forbidden(said) => Problem::said(ProblemKind::Forbidden, said.clone()),
            ApiError::Conflict(said) => Problem::said(ProblemKind::Conflict, said.clone()),
            ApiError::UnsupportedMediaType(said) => {
                Problem::said(ProblemKind::UnsupportedMediaType, said.clone())
            }
            ApiError::TooManyRequests(wait) => Problem::said(
                ProblemKind::TooManyRequests,
                Said::with(Msg::TooManyOfThese, [retry_after_secs(*wait)]),
            ),
            ApiError::MailNotSent(reply) => Problem::said(
                ProblemKind::Other(502),
                Said::with(Msg::MailNotTaken, [reply]),
            ),
            ApiError::Internal(cause) => internal_problem(cause),
        }
    }
}

/// A wait in whole seconds, rounded up: what Retry-After says (every 429 of the API).
pub fn retry_after_secs(wait: std::time::Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::MailNotSent(_) => StatusCode::BAD_GATEWAY,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = problem_response(&self.problem());
        if let ApiError::TooManyRequests(wait) = self
            && let Ok(value) = retry_after_secs(*wait).to_string().parse()
        {
            response
                .headers_mut()
                .insert(actix_web::http::header::RETRY_AFTER, value);
        }
        response
    }
}
