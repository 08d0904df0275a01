//! What a webhook receiver is sent: `{"type", "timestamp", "data"}`, `data` carrying the ids and
//! the fields a receiver needs so that it need not call back.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::AttemptStatus;
use crate::bounce::{EventKind, EventSource, SuppressionReason};

/// The body of every call.
/// (The OpenAPI document describes it per event, in its `webhooks` section.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookPayload<D> {
    /// The event type (`attempt.succeeded`, …, or `webhook.test`).
    #[serde(rename = "type")]
    pub event_type: String,
    /// When it happened (for a batch of attempts, when its first attempt was recorded).
    pub timestamp: DateTime<Utc>,
    pub data: D,
}

/// `attempt.succeeded` and `attempt.failed`: up to 100 attempts per call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttemptsData {
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 100))]
    pub attempts: Vec<AttemptData>,
}

/// One try of one mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttemptData {
    /// The mail's delivery: a bounce report about it names the same id.
    pub delivery_id: i64,
    pub mailing_id: i64,
    pub run_id: i64,
    /// None when the client was deleted since.
    pub client_id: Option<i64>,
    pub email: String,
    pub status: AttemptStatus,
    /// The mail server's own answer, or why there was none.
    pub server_reply: String,
    pub attempted_at: DateTime<Utc>,
    /// A failed try that will be made again (a temporary refusal); false once it failed for good.
    pub will_retry: bool,
}

/// `run.started` and `run.completed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RunData {
    pub mailing_id: i64,
    pub run_id: i64,
    /// Addresses in the run.
    pub total: i64,
    pub sent: i64,
    pub failed: i64,
    pub cancelled: i64,
    pub suppressed: i64,
    pub finished_at: Option<DateTime<Utc>>,
}

/// `client.unsubscribed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnsubscribedData {
    pub client_id: i64,
    pub email: String,
    pub unsubscribed_at: DateTime<Utc>,
}

/// `mailing.disabled`: a manager stopped the mailing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MailingDisabledData {
    pub mailing_id: i64,
    pub name: String,
    /// Deliveries of its unfinished runs that were cancelled.
    pub cancelled_runs: Vec<i64>,
}

/// `client.suppressed`: an address went on the owner's suppression list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuppressedData {
    pub suppression_id: i64,
    pub email: String,
    pub reason: SuppressionReason,
    pub detail: String,
}

/// `bounce.received` and `complaint.received`: a report about one mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportData {
    pub delivery_id: i64,
    pub mailing_id: i64,
    pub run_id: i64,
    pub client_id: Option<i64>,
    pub email: String,
    pub kind: EventKind,
    /// Where it was learnt: the server's refusal while sending, a delivery status
    /// notification, or a feedback report.
    pub source: EventSource,
    /// The server's reply, the report's diagnostic, or the feedback type.
    pub diagnostic: String,
}

/// `webhook.test`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TestData {
    pub webhook_id: i64,
    pub message: String,
}
