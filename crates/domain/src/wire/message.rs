//! Messages on the wire.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::message::MessageFormat;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Message {
    pub id: i64,
    pub subject: String,
    pub body: String,
    pub format: MessageFormat,
    pub owner_id: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A whole message, to create or replace one. Subject and body may use `{{full_name}}`,
/// `{{email}}` and `{{unsubscribe_url}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "subject": "News for {{full_name}}", "body": "Hello {{full_name}},\n\nOur **autumn catalogue** is out.",
    "format": "markdown"
})))]
pub struct MessageRequest {
    pub subject: String,
    pub body: String,
    /// How the body is written: `text` (when left out), `markdown` or `html`. Read as a name, so
    /// that an unknown one is answered with a 422 that names this field.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<MessageFormat>))]
    pub format: Option<String>,
}

/// A message to see as a recipient would, before it is saved or sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "subject": "News for {{full_name}}", "body": "# Hello {{full_name}}\n\nOur **sale** is on.",
    "format": "markdown"
})))]
pub struct MessagePreviewRequest {
    pub subject: String,
    pub body: String,
    /// `text` (when left out), `markdown` or `html`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<MessageFormat>))]
    pub format: Option<String>,
    /// One of your clients to fill the placeholders with; an example client when left out.
    #[serde(default)]
    pub client_id: Option<i64>,
}

/// A message as its recipient gets it: the subject, the text part and, for Markdown and HTML,
/// the HTML part (a whole document, its CSS inlined).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessagePreview {
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
}

/// Whose values a test send fills the placeholders with: one of your clients, or (none) an
/// example one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TestSendRequest {
    #[serde(default)]
    pub client_id: Option<i64>,
}

/// A test copy sent: to whom, under which subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TestSent {
    pub to: String,
    pub subject: String,
}

/// Some fields of a message; those left out keep their value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessagePatch {
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<MessageFormat>))]
    pub format: Option<String>,
}
