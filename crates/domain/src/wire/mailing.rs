//! Mailings and delivery attempts on the wire.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Run;
use crate::{AttemptStatus, MailingStatus, Schedule};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mailing {
    pub id: i64,
    pub message_id: i64,
    /// The message's subject as it is now, so a list of mailings can say what each one sends.
    pub message_subject: String,
    pub client_ids: Vec<i64>,
    /// When the first send happens.
    pub starts_at: DateTime<Utc>,
    /// After this nothing more is sent and the mailing is completed.
    pub ends_at: DateTime<Utc>,
    /// Sends once at `starts_at`, or again every day, week or month until `ends_at`.
    pub schedule: Schedule,
    /// When it will send by itself next, if ever.
    pub next_run_at: Option<DateTime<Utc>>,
    /// As it is at the moment of reading.
    pub status: MailingStatus,
    /// Set by a manager: a disabled mailing does not send.
    pub disabled: bool,
    pub owner_id: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub client_count: u64,
    pub success_count: u64,
    pub failure_count: u64,
    /// The latest run, by hand or on schedule, with its figures; none before the first send.
    pub last_run: Option<Run>,
}

/// A whole mailing, to create or replace one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "message_id": 1, "client_ids": [1, 2, 3],
    "starts_at": "2026-12-01T09:00:00Z", "ends_at": "2026-12-08T09:00:00Z", "schedule": "daily"
})))]
pub struct MailingRequest {
    pub message_id: i64,
    pub client_ids: Vec<i64>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// once (the default), daily, weekly or monthly.
    #[serde(default)]
    pub schedule: Schedule,
}

/// Some fields of a mailing; those left out keep their value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MailingPatch {
    #[serde(default)]
    pub message_id: Option<i64>,
    #[serde(default)]
    pub client_ids: Option<Vec<i64>>,
    #[serde(default)]
    pub starts_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub ends_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub schedule: Option<Schedule>,
}

/// One try to deliver a mailing's message to one client, with the mail server's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attempt {
    pub id: i64,
    pub mailing_id: i64,
    pub client_email: String,
    pub attempted_at: DateTime<Utc>,
    pub status: AttemptStatus,
    /// The SMTP reply (code and text) or the connection error.
    pub server_response: String,
    /// The run this attempt belongs to (none for attempts recorded before runs existed).
    pub run_id: Option<i64>,
}
