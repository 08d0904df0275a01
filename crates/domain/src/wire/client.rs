//! Clients on the wire.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::catalogue::{Lang, Said};

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
    /// The client's tags, in alphabetical order whatever their case.
    pub tags: Vec<String>,
}

/// A whole client, to create one or replace one (`PUT`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "email": "bob@example.org", "full_name": "Bob Stone", "comment": "met at the fair",
    "tags": ["fair 2026", "customer"]
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
    /// At most 50 tags, each one line of 1-50 characters without commas; a tag named twice in
    /// any case counts once. Left out: none for a new client, unchanged on a replace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
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
    /// The client's whole list of tags, replacing the one it had.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}

/// Which clients a bulk change means; every condition given must hold. The same conditions
/// filter `GET /api/v1/clients` and its CSV export, as query parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "q": "example.org", "tags_any": ["fair 2026", "web"], "exclude_tags": ["churned"]
})))]
pub struct ClientFilter {
    /// Address or name contains this text, in any case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// Carries at least one of these tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags_any: Vec<String>,
    /// Carries every one of these tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags_all: Vec<String>,
    /// Carries none of these tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude_tags: Vec<String>,
    /// Is one of these clients (at most 10,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ids: Option<Vec<i64>>,
}

/// One change to every client a filter matches: tags added and removed, or the clients deleted.
/// An empty filter (`{}`) matches every client of yours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "filter": {"tags_any": ["fair 2026"]}, "add_tags": ["customer"], "remove_tags": ["lead"]
})))]
pub struct BulkClientsRequest {
    pub filter: ClientFilter,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub add_tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove_tags: Vec<String>,
    /// Deletes the matching clients instead; not with `add_tags` or `remove_tags`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub delete: bool,
}

/// What a bulk change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkClientsResult {
    /// The clients changed: tagged or untagged (those that already were are not counted), or deleted.
    pub changed: u64,
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
    /// Why, for a person to read: in Russian when `Accept-Language` prefers it.
    pub reason: String,
    /// What `reason` says, for writing it in another language.
    #[serde(skip)]
    pub said: Option<Said>,
}

impl RejectedRow {
    pub fn new(line: u64, said: Said) -> Self {
        Self {
            line,
            reason: said.render(Lang::En),
            said: Some(said),
        }
    }
}

impl ImportReport {
    /// The reasons written in `lang`.
    pub fn localized(mut self, lang: Lang) -> Self {
        for row in &mut self.rejected {
            if let Some(said) = &row.said {
                row.reason = said.render(lang);
            }
        }
        self
    }
}
