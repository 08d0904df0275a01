//! RFC 9457 problem details: the one shape of every error Mailroom answers.

use serde::{Deserialize, Serialize};

use crate::catalogue::{Lang, Msg, Said};

pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// An error response (`application/problem+json`, RFC 9457).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "type": "urn:mailroom:problem:validation",
    "title": "The request has invalid fields",
    "status": 422,
    "detail": "2 fields are invalid",
    "errors": [{"field": "email", "code": "invalid_email", "message": "'x' is not a valid email address"}]
})))]
pub struct Problem {
    /// A URI naming the kind of problem; stable, meant for programs to branch on.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem, the same for every occurrence in a language.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong in this occurrence, for a person to read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// One entry per invalid field, when the request body did not validate.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// `detail` as a message of the catalogue, to say it in the request's language.
    #[serde(skip)]
    pub said: Option<Said>,
}

/// What is wrong with one field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The field's name as sent, e.g. `email`.
    pub field: String,
    /// What is wrong, stable for programs to branch on: `required`, `too_long`,
    /// `invalid_email`, `ends_before_start`, `not_found`…
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub code: String,
    /// What is wrong, for a person to read: in Russian when `Accept-Language` prefers it.
    pub message: String,
    #[serde(skip)]
    pub said: Option<Said>,
}

impl FieldError {
    pub fn new(field: &str, said: Said) -> Self {
        Self {
            field: field.to_owned(),
            code: said.code().to_owned(),
            message: said.render(Lang::En),
            said: Some(said),
        }
    }
}

/// The kinds of problem Mailroom reports, each with its stable type URI, title and status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    NotAcceptable,
    Conflict,
    PayloadTooLarge,
    UnsupportedMediaType,
    Validation,
    TooManyRequests,
    Internal,
    Unavailable,
    /// Any other status, described by its HTTP reason phrase (`about:blank` in RFC 9457 terms).
    Other(u16),
}

impl ProblemKind {
    pub fn from_status(status: u16) -> Self {
        match status {
            400 => Self::BadRequest,
            401 => Self::Unauthorized,
            403 => Self::Forbidden,
            404 => Self::NotFound,
            405 => Self::MethodNotAllowed,
            406 => Self::NotAcceptable,
            409 => Self::Conflict,
            413 => Self::PayloadTooLarge,
            415 => Self::UnsupportedMediaType,
            422 => Self::Validation,
            429 => Self::TooManyRequests,
            500 => Self::Internal,
            503 => Self::Unavailable,
            other => Self::Other(other),
        }
    }

    pub fn status(self) -> u16 {
        match self {
            Self::BadRequest => 400,
            Self::Unauthorized => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::MethodNotAllowed => 405,
            Self::NotAcceptable => 406,
            Self::Conflict => 409,
            Self::PayloadTooLarge => 413,
            Self::UnsupportedMediaType => 415,
            Self::Validation => 422,
            Self::TooManyRequests => 429,
            Self::Internal => 500,
            Self::Unavailable => 503,
            Self::Other(status) => status,
        }
    }

    pub fn type_uri(self) -> &'static str {
        match self {
            Self::BadRequest => "urn:mailroom:problem:bad-request",
            Self::Unauthorized => "urn:mailroom:problem:unauthorized",
            Self::Forbidden => "urn:mailroom:problem:forbidden",
            Self::NotFound => "urn:mailroom:problem:not-found",
            Self::MethodNotAllowed => "urn:mailroom:problem:method-not-allowed",
            Self::NotAcceptable => "urn:mailroom:problem:not-acceptable",
            Self::Conflict => "urn:mailroom:problem:conflict",
            Self::PayloadTooLarge => "urn:mailroom:problem:payload-too-large",
            Self::UnsupportedMediaType => "urn:mailroom:problem:unsupported-media-type",
            Self::Validation => "urn:mailroom:problem:validation",
            Self::TooManyRequests => "urn:mailroom:problem:too-many-requests",
            Self::Internal => "urn:mailroom:problem:internal",
            Self::Unavailable => "urn:mailroom:problem:unavailable",
            Self::Other(_) => "about:blank",
        }
    }

    pub fn title(self) -> &'static str {
        self.title_msg().template(Lang::En)
    }

    pub fn title_msg(self) -> Msg {
        match self {
            Self::BadRequest => Msg::TitleBadRequest,
            Self::Unauthorized => Msg::TitleUnauthorized,
            Self::Forbidden => Msg::TitleForbidden,
            Self::NotFound => Msg::TitleNotFound,
            Self::MethodNotAllowed => Msg::TitleMethodNotAllowed,
            Self::NotAcceptable => Msg::TitleNotAcceptable,
            Self::Conflict => Msg::TitleConflict,
            Self::PayloadTooLarge => Msg::TitlePayloadTooLarge,
            Self::UnsupportedMediaType => Msg::TitleUnsupportedMediaType,
            Self::Validation => Msg::TitleValidation,
            Self::TooManyRequests => Msg::TitleTooManyRequests,
            Self::Internal => Msg::TitleInternal,
            Self::Unavailable => Msg::TitleUnavailable,
            Self::Other(_) => Msg::TitleOther,
        }
    }
}

/// Type URIs more precise than a status, for clients to branch on.
pub mod types {
    pub const INVALID_CREDENTIALS: &str = "urn:mailroom:problem:invalid-credentials";
    pub const ACCOUNT_UNCONFIRMED: &str = "urn:mailroom:problem:account-unconfirmed";
    pub const ACCOUNT_BLOCKED: &str = "urn:mailroom:problem:account-blocked";
    pub const SESSION_ENDED: &str = "urn:mailroom:problem:session-ended";
    pub const SESSION_REQUIRED: &str = "urn:mailroom:problem:session-required";
    pub const TOKEN_UNKNOWN: &str = "urn:mailroom:problem:token-unknown";
    pub const TOKEN_USED: &str = "urn:mailroom:problem:token-used";
    pub const TOKEN_EXPIRED: &str = "urn:mailroom:problem:token-expired";
    pub const REFRESH_TOKEN_REUSED: &str = "urn:mailroom:problem:refresh-token-reused";
    pub const REFRESH_TOKEN_SUPERSEDED: &str = "urn:mailroom:problem:refresh-token-superseded";
    pub const IDEMPOTENCY_KEY_INVALID: &str = "urn:mailroom:problem:idempotency-key-invalid";
    pub const IDEMPOTENCY_KEY_REUSED: &str = "urn:mailroom:problem:idempotency-key-reused";
    pub const IDEMPOTENCY_KEY_IN_USE: &str = "urn:mailroom:problem:idempotency-key-in-use";
}

impl Problem {
    /// Narrows the type URI to one of [`types`], keeping the title and status.
    pub fn with_type(mut self, type_uri: &str) -> Self {
        self.kind = type_uri.to_owned();
        self
    }

    pub fn new(kind: ProblemKind, detail: impl Into<String>) -> Self {
        Self {
            kind: kind.type_uri().to_owned(),
            title: kind.title().to_owned(),
            status: kind.status(),
            detail: Some(detail.into()),
            errors: Vec::new(),
            said: None,
        }
    }

    /// A problem whose detail is a message of the catalogue.
    pub fn said(kind: ProblemKind, said: Said) -> Self {
        Self {
            said: Some(said.clone()),
            ..Self::new(kind, said.render(Lang::En))
        }
    }

    /// The document in `lang`: its title, its detail and each field's message, where the
    /// catalogue has them (a detail written by hand stays as it is).
    pub fn localized(mut self, lang: Lang) -> Self {
        if lang == Lang::En {
            return self;
        }
        self.title = ProblemKind::from_status(self.status)
            .title_msg()
            .template(lang)
            .to_owned();
        if let Some(said) = &self.said {
            self.detail = Some(said.render(lang));
        }
        for error in &mut self.errors {
            if let Some(said) = &error.said {
                error.message = said.render(lang);
            }
        }
        self
    }

    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
        self
    }

    /// The message for the given field, for showing an error beside its input.
    pub fn field_message(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_serializes_with_the_rfc_9457_member_names() {
        let problem = Problem::new(ProblemKind::NotFound, "no route for GET /api/v1/nope");
        let json = serde_json::to_value(&problem).expect("serializes");
        assert_eq!(json["type"], "urn:mailroom:problem:not-found");
        assert_eq!(json["title"], "Not found");
        assert_eq!(json["status"], 404);
        assert_eq!(json["detail"], "no route for GET /api/v1/nope");
        assert!(json.get("errors").is_none(), "empty errors are omitted");
    }

    #[test]
    fn every_kind_maps_back_from_its_status() {
        for status in [
            400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 429, 500, 503, 418,
        ] {
            assert_eq!(ProblemKind::from_status(status).status(), status);
        }
    }

    #[test]
    fn field_errors_are_found_by_field_name() {
        let problem =
            Problem::new(ProblemKind::Validation, "1 field is invalid").with_errors(vec![
                FieldError::new("email", Said::new(Msg::EmailRequired)),
            ]);
        assert_eq!(
            problem.field_message("email"),
            Some("an email address is required")
        );
        assert_eq!(problem.field_message("name"), None);
    }

    #[test]
    fn a_localized_problem_says_its_title_detail_and_field_messages_in_that_language() {
        let problem = Problem::said(ProblemKind::Validation, Said::with(Msg::FieldsInvalid, [2]))
            .with_errors(vec![
                FieldError::new("email", Said::new(Msg::EmailRequired)),
                FieldError::new("password", Said::with(Msg::PasswordTooShort, [10])),
            ]);
        let ru = problem.clone().localized(Lang::Ru);
        assert_eq!(ru.title, "В запросе есть неверные поля");
        assert_eq!(ru.detail.as_deref(), Some("неверных полей: 2"));
        assert_eq!(ru.errors[0].message, "нужен адрес электронной почты");
        assert_eq!(ru.errors[1].code, "too_short");
        assert_eq!(problem.clone().localized(Lang::En), problem);
        // A detail written by hand stays as it is.
        let by_hand = Problem::new(ProblemKind::NotFound, "no client 7").localized(Lang::Ru);
        assert_eq!(by_hand.detail.as_deref(), Some("no client 7"));
        assert_eq!(by_hand.title, "Не найдено");
    }
}
