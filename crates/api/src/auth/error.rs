//! Why authentication failed, each with its status and problem type.

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::http::header::{RETRY_AFTER, WWW_AUTHENTICATE};
use actix_web::{HttpResponse, ResponseError};
use mailroom_domain::account::LinkPurpose;
use mailroom_domain::catalogue::{Msg, Said};
use mailroom_domain::wire::{FieldError, Problem, ProblemKind, problem_types};

use crate::db::DbError;
use crate::http::api_error::{internal_problem, retry_after_secs, validation_problem};
use crate::http::problem::problem_response;

/// What a single-use link's token turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkProblem {
    Unknown,
    Used,
    Expired,
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("{0}")]
    Unauthenticated(Said),
    #[error("the email address or the password is wrong")]
    InvalidCredentials,
    #[error("this account's email address is not confirmed yet")]
    Unconfirmed,
    #[error("this account is blocked")]
    Blocked,
    #[error("the session has ended; sign in again")]
    SessionEnded,
    #[error("this needs a signed-in session, not an API token")]
    SessionRequired,
    #[error("{purpose} link problem: {problem:?}")]
    Link {
        purpose: LinkPurpose,
        problem: LinkProblem,
    },
    #[error("{0}")]
    RefreshInvalid(Said),
    #[error("a refresh token was used twice")]
    RefreshReused,
    #[error("a refresh token was used again right after its renewal")]
    RefreshSuperseded,
    #[error("too many attempts")]
    RateLimited(Duration),
    #[error("{} invalid field(s)", .0.len())]
    Validation(Vec<FieldError>),
    #[error("{0}")]
    Internal(String),
}

impl From<serde_json::Error> for AuthError {
    fn from(e: serde_json::Error) -> Self {
        AuthError::Internal(format!("cannot read or write a cached account: {e}"))
    }
}

impl From<DbError> for AuthError {
    fn from(e: DbError) -> Self {
        AuthError::Internal(e.to_string())
    }
}

impl From<diesel::result::Error> for AuthError {
    fn from(e: diesel::result::Error) -> Self {
        AuthError::Internal(e.to_string())
    }
}

impl From<super::password::HashError> for AuthError {
    fn from(e: super::password::HashError) -> Self {
        AuthError::Internal(e.to_string())
    }
}

impl AuthError {
    fn problem(&self) -> Problem {
        use AuthError::*;
        match self {
            Unauthenticated(said) => Problem::said(ProblemKind::Unauthorized, said.clone()),
            InvalidCredentials => {
                Problem::said(ProblemKind::Unauthorized, Said::new(Msg::WrongCredentials))
                    .with_type(problem_types::INVALID_CREDENTIALS)
            }
            Unconfirmed => Problem::said(ProblemKind::Forbidden, Said::new(Msg::Unconfirmed))
                .with_type(problem_types::ACCOUNT_UNCONFIRMED),
            Blocked => Problem::said(ProblemKind::Forbidden, Said::new(Msg::Blocked))
                .with_type(problem_types::ACCOUNT_BLOCKED),
            SessionEnded => Problem::said(ProblemKind::Unauthorized, Said::new(Msg::SessionEnded))
                .with_type(problem_types::SESSION_ENDED),
            SessionRequired => {
                Problem::said(ProblemKind::Forbidden, Said::new(Msg::SessionRequired))
                    .with_type(problem_types::SESSION_REQUIRED)
            }
            Link { purpose, problem } => {
                let (type_uri, msg) = match problem {
                    LinkProblem::Unknown => (problem_types::TOKEN_UNKNOWN, Msg::LinkUnknown),
                    LinkProblem::Used => (problem_types::TOKEN_USED, Msg::LinkUsed),
                    LinkProblem::Expired => (problem_types::TOKEN_EXPIRED, Msg::LinkExpired),
                };
                let said = Said::of(msg, Said::new(purpose.label()));
                Problem::said(ProblemKind::BadRequest, said).with_type(type_uri)
            }
            RefreshInvalid(said) => Problem::said(ProblemKind::Unauthorized, said.clone()),
            RefreshReused => {
                Problem::said(ProblemKind::Unauthorized, Said::new(Msg::RefreshReused))
                    .with_type(problem_types::REFRESH_TOKEN_REUSED)
            }
            RefreshSuperseded => {
                Problem::said(ProblemKind::Unauthorized, Said::new(Msg::RefreshSuperseded))
                    .with_type(problem_types::REFRESH_TOKEN_SUPERSEDED)
            }
            RateLimited(wait) => Problem::said(
                ProblemKind::TooManyRequests,
                Said::with(Msg::TooManyAttempts, [retry_after_secs(*wait)]),
            ),
            Validation(errors) => validation_problem(errors.clone()),
            Internal(cause) => internal_problem(cause),
        }
    }
}

impl ResponseError for AuthError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.problem_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = problem_response(&self.problem());
        let headers = response.headers_mut();
        match self {
            AuthError::RateLimited(wait) => {
                if let Ok(value) = retry_after_secs(*wait).to_string().parse() {
                    headers.insert(RETRY_AFTER, value);
                }
            }
            AuthError::Unauthenticated(_) | AuthError::SessionEnded => {
                if let Ok(value) = "Bearer realm=\"mailroom\"".parse() {
                    headers.insert(WWW_AUTHENTICATE, value);
                }
            }
            _ => {}
        }
        response
    }
}

impl AuthError {
    fn problem_status(&self) -> u16 {
        use AuthError::*;
        match self {
            Unauthenticated(_) | InvalidCredentials | SessionEnded | RefreshInvalid(_)
            | RefreshReused | RefreshSuperseded => 401,
            Unconfirmed | Blocked | SessionRequired => 403,
            Link { .. } => 400,
            RateLimited(_) => 429,
            Validation(_) => 422,
            Internal(_) => 500,
        }
    }
}
