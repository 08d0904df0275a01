//! Every request the app makes goes through here: one place that knows URLs, JSON and problem
//! documents.

pub mod auth;
pub mod health;
pub mod stats;
pub mod unsubscribe;

use std::fmt;

use gloo_net::http::{Request, RequestBuilder, Response};
use mailroom_domain::wire::Problem;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Why a request did not give the expected answer.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server could not be reached (offline, stopped, blocked by the browser).
    Network(String),
    /// The server answered with a problem document.
    Problem(Problem),
    /// The server answered something this app does not understand.
    Unexpected(String),
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Network(e) => write!(f, "cannot reach the server ({e})"),
            ApiError::Problem(p) => f.write_str(p.detail.as_deref().unwrap_or(&p.title)),
            ApiError::Unexpected(e) => write!(f, "unexpected answer from the server: {e}"),
        }
    }
}

impl ApiError {
    /// What the server said about one field of the request, if anything.
    pub fn field(&self, name: &str) -> Option<String> {
        match self {
            ApiError::Problem(problem) => problem.field_message(name).map(str::to_owned),
            _ => None,
        }
    }

    /// The message for the whole form: the problem's detail when no field explains it.
    pub fn general(&self, fields: &[&str]) -> Option<String> {
        match self {
            ApiError::Problem(p) if fields.iter().any(|f| p.field_message(f).is_some()) => None,
            other => Some(other.to_string()),
        }
    }
}

/// Turns an error response into the problem it carries.
async fn problem_of(response: gloo_net::http::Response) -> ApiError {
    let status = response.status();
    match response.json::<Problem>().await {
        Ok(problem) => ApiError::Problem(problem),
        Err(_) => ApiError::Unexpected(format!("HTTP {status}")),
    }
}

/// The JSON of a successful answer, or the problem of a failed one.
async fn answer<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    if response.ok() {
        response
            .json::<T>()
            .await
            .map_err(|e| ApiError::Unexpected(e.to_string()))
    } else {
        Err(problem_of(response).await)
    }
}

fn network(e: gloo_net::Error) -> ApiError {
    ApiError::Network(e.to_string())
}

fn signed(request: RequestBuilder, access: Option<&str>) -> RequestBuilder {
    match access {
        Some(token) => request.header("Authorization", &format!("Bearer {token}")),
        None => request,
    }
}

/// GET `path`, signed in with `access` when given.
async fn get<T: DeserializeOwned>(path: &str, access: Option<&str>) -> Result<T, ApiError> {
    let response = signed(Request::get(path), access)
        .send()
        .await
        .map_err(network)?;
    answer(response).await
}

/// POST `body` as JSON (or nothing) to `path`.
async fn post<B: Serialize, T: DeserializeOwned>(
    path: &str,
    body: Option<&B>,
) -> Result<T, ApiError> {
    let builder = Request::post(path);
    let response = match body {
        Some(body) => {
            builder
                .json(body)
                .map_err(|e| ApiError::Unexpected(e.to_string()))?
                .send()
                .await
        }
        None => builder.send().await,
    }
    .map_err(network)?;
    answer(response).await
}
