//! The requests themselves: URLs, JSON, problem documents, and a request kept as data (`Call`)
//! so that the session (`session.rs`) can send it again once renewed. Knows nothing of who is
//! signed in.

use std::fmt;

use gloo_net::http::{Method, Request, RequestBuilder, Response};
use mailroom_domain::wire::{Problem, problem_types};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::i18n::{Lang, Text, tr};

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
        f.write_str(&self.message(Lang::En))
    }
}

impl ApiError {
    /// What to tell the person, in their language; a problem is told in the server's words.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            ApiError::Network(e) => format!("{} ({e})", tr(lang, Text::CannotReachServer)),
            ApiError::Problem(p) => p.detail.clone().unwrap_or_else(|| p.title.clone()),
            ApiError::Unexpected(e) => format!("{}: {e}", tr(lang, Text::UnexpectedAnswer)),
        }
    }

    /// What the server said about one field of the request, if anything.
    pub fn field(&self, name: &str) -> Option<String> {
        match self {
            ApiError::Problem(problem) => problem.field_message(name).map(str::to_owned),
            _ => None,
        }
    }

    pub fn is_not_found(&self) -> bool {
        matches!(self, ApiError::Problem(p) if p.status == 404)
    }

    /// The message for the whole form: the problem's detail when no field explains it.
    pub fn general(&self, fields: &[&str], lang: Lang) -> Option<String> {
        match self {
            ApiError::Problem(p) if fields.iter().any(|f| p.field_message(f).is_some()) => None,
            other => Some(other.message(lang)),
        }
    }
}

/// The server refused because a manager blocked the account.
pub fn is_blocked(error: &ApiError) -> bool {
    matches!(error, ApiError::Problem(p) if p.kind == problem_types::ACCOUNT_BLOCKED)
}

/// Whether the server ended the session because the account's password changed.
pub fn is_password_changed(error: &ApiError) -> bool {
    matches!(error, ApiError::Problem(p) if p.kind == problem_types::SESSION_ENDED)
}

/// Turns an error response into the problem it carries.
pub async fn problem_of(response: Response) -> ApiError {
    let status = response.status();
    match response.json::<Problem>().await {
        Ok(problem) => ApiError::Problem(problem),
        Err(_) => ApiError::Unexpected(format!("HTTP {status}")),
    }
}

/// The JSON of a successful answer, or the problem of a failed one.
pub async fn answer<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    if response.ok() {
        response
            .json::<T>()
            .await
            .map_err(|e| ApiError::Unexpected(e.to_string()))
    } else {
        Err(problem_of(response).await)
    }
}

pub fn network(e: gloo_net::Error) -> ApiError {
    ApiError::Network(e.to_string())
}

/// The language the page is shown in (`<html lang>`, which the language switch sets): the
/// server answers its errors in it.
fn page_language() -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|html| html.get_attribute("lang"))
        .unwrap_or_else(|| "en".to_owned())
}

/// Every request says which language its answer's messages should be in, and carries the access
/// token when there is one.
fn signed(request: RequestBuilder, access: Option<&str>) -> RequestBuilder {
    let request = request.header("Accept-Language", &page_language());
    match access {
        Some(token) => request.header("Authorization", &format!("Bearer {token}")),
        None => request,
    }
}

/// GET `path` without the session (public pages, and the session's own start).
pub async fn get<T: DeserializeOwned>(path: &str, access: Option<&str>) -> Result<T, ApiError> {
    let response = signed(Request::get(path), access)
        .send()
        .await
        .map_err(network)?;
    answer(response).await
}

/// POST `body` as JSON (or nothing) to `path`, without the session.
pub async fn post<B: Serialize, T: DeserializeOwned>(
    path: &str,
    body: Option<&B>,
) -> Result<T, ApiError> {
    let builder = signed(Request::post(path), None);
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

/// A request made as the signed-in person, kept as data so it can be sent again once the session
/// is renewed.
pub struct Call {
    method: Method,
    path: String,
    query: Vec<(&'static str, String)>,
    body: Option<(&'static str, String)>,
}

impl Call {
    fn new(method: Method, path: impl Into<String>) -> Self {
        Self {
            method,
            path: path.into(),
            query: Vec::new(),
            body: None,
        }
    }

    pub fn get(path: impl Into<String>) -> Self {
        Self::new(Method::GET, path)
    }

    pub fn post(path: impl Into<String>) -> Self {
        Self::new(Method::POST, path)
    }

    pub fn patch(path: impl Into<String>) -> Self {
        Self::new(Method::PATCH, path)
    }

    pub fn delete(path: impl Into<String>) -> Self {
        Self::new(Method::DELETE, path)
    }

    /// Adds `name=value` to the query when there is a value.
    pub fn query(mut self, name: &'static str, value: Option<impl ToString>) -> Self {
        if let Some(value) = value {
            self.query.push((name, value.to_string()));
        }
        self
    }

    pub fn json(mut self, body: &impl Serialize) -> Result<Self, ApiError> {
        let text = serde_json::to_string(body).map_err(|e| ApiError::Unexpected(e.to_string()))?;
        self.body = Some(("application/json", text));
        Ok(self)
    }

    pub fn csv(mut self, text: String) -> Self {
        self.body = Some(("text/csv", text));
        self
    }

    /// Sends once, with `access` as the bearer token.
    pub async fn send(&self, access: Option<&str>) -> Result<Response, ApiError> {
        let builder = signed(
            RequestBuilder::new(&self.path)
                .method(self.method.clone())
                .query(self.query.iter().map(|(k, v)| (*k, v.as_str()))),
            access,
        );
        let request = match &self.body {
            Some((content_type, text)) => builder
                .header("Content-Type", content_type)
                .body(text.clone()),
            None => builder.build(),
        }
        .map_err(|e| ApiError::Unexpected(e.to_string()))?;
        request.send().await.map_err(network)
    }
}

/// Which page of a list, in which order, narrowed by a search text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListQuery {
    pub page: u32,
    pub per_page: u32,
    /// A field name, with a leading `-` for descending order; the server's default when empty.
    pub sort: String,
    pub q: String,
    /// Managers: one owner's items only.
    pub owner_id: Option<i64>,
}

impl ListQuery {
    pub fn apply(&self, call: Call) -> Call {
        let text = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        call.query("page", Some(self.page.max(1)))
            .query("per_page", (self.per_page > 0).then_some(self.per_page))
            .query("sort", text(&self.sort))
            .query("q", text(&self.q))
            .query("owner_id", self.owner_id)
    }
}
