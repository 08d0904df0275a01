//! The suppression list and delivery events on the wire.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::bounce::{EventKind, EventSource, SuppressionReason};
use crate::listing::{Sort, SortField};

/// An address its owner's mailings no longer send to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Suppression {
    pub id: i64,
    pub email: String,
    pub reason: SuppressionReason,
    /// The mail server's reply or the report's diagnostic; for a manual entry, its owner's note.
    pub detail: String,
    /// The mailing whose mail bounced or was complained about; none for a manual entry.
    pub mailing_id: Option<i64>,
    pub owner_id: i64,
    pub created_at: DateTime<Utc>,
}

/// An address to suppress by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"email": "old@example.com", "detail": "asked by phone"})))]
pub struct NewSuppression {
    pub email: String,
    /// Why, for the record (at most 1,000 characters).
    #[serde(default)]
    pub detail: Option<String>,
}

/// What the suppression list is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuppressionSort {
    CreatedAt,
    Email,
}

impl SortField for SuppressionSort {
    const FIELDS: &'static [(&'static str, Self)] = &[
        ("created_at", SuppressionSort::CreatedAt),
        ("email", SuppressionSort::Email),
    ];
    const DEFAULT: Sort<Self> = Sort {
        field: SuppressionSort::CreatedAt,
        descending: true,
    };
}

/// A bounce or complaint about the mail of one attempt: the server refused it (`smtp`), or it had
/// accepted it and a report came later (`dsn`, `arf`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryEvent {
    pub kind: EventKind,
    pub source: EventSource,
    /// The server's reply, the report's `Diagnostic-Code` or its feedback type.
    pub detail: String,
    pub created_at: DateTime<Utc>,
}
