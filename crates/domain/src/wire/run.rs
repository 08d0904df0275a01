//! A run: one sending of a mailing to its clients, and how far it got.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::delivery::RunTrigger;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Run {
    pub id: i64,
    pub mailing_id: i64,
    pub trigger: RunTrigger,
    /// Deliveries queued: one per client that had not unsubscribed.
    pub total: u64,
    pub sent: u64,
    pub failed: u64,
    /// Stopped before sending: the mailing was disabled, its owner blocked, or it ended.
    pub cancelled: u64,
    /// Still to be sent or retried; `total = sent + failed + cancelled + pending`.
    pub pending: u64,
    /// Clients left out because they had unsubscribed.
    pub skipped: u64,
    pub created_at: DateTime<Utc>,
    /// When the first delivery was tried.
    pub started_at: Option<DateTime<Utc>>,
    /// When the last delivery reached its final state.
    pub finished_at: Option<DateTime<Utc>>,
}

/// The answer to an unsubscribe link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Unsubscribed {
    /// The address that will get no more mail from this sender.
    pub email: String,
}
