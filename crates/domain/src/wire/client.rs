//! Clients on the wire.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Client {
    pub id: i64,
    pub email: String,
    pub full_name: String,
    pub comment: String,
    pub owner_id: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Set when the client followed an unsubscribe link: no mailing sends to them any more.
    pub unsubscribed_at: Option<DateTime<Utc>>,
}

/// A whole client, to create one or replace one (`PUT`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "email": "bob@example.org", "full_name": "Bob Stone", "comment": "met at the fair"
})))]
pub struct ClientRequest {
    /// Unique among the owner's clients, whatever its case.
    pub email: String,
    /// Up to 200 characters; may be empty.
    #[serde(default)]
    pub full_name: String,
    /// Up to 2,000 characters; may be empty.
    #[serde(default)]
    pub comment: String,
}

/// Some fields of a client (`PATCH`); those left out keep their value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientPatch {
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub full_name: Option<String>,
    #[serde(default)]
    pub comment: Option<String>,
}

/// What a CSV import did, row by row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    /// Rows that added a client.
    pub created: u64,
    /// Rows whose address the owner already had: name and comment were updated.
    pub updated: u64,
    /// Rows left out, each with why.
    pub rejected: Vec<RejectedRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RejectedRow {
    /// The line in the file, counting the header as line 1.
    pub line: u64,
    pub reason: String,
}
