//! Mailings and delivery attempts on the wire.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Run;
use crate::{AttemptStatus, MailingStatus, Schedule};

/// Who a mailing goes to. A segment is evaluated each time a run is queued; unsubscribed clients
/// are always left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Audience {
    /// Every client of the mailing's owner.
    All,
    /// The clients carrying any of `tags_any` (when given), all of `tags_all` and none of
    /// `exclude_tags`.
    Segment {
        #[serde(default)]
        tags_any: Vec<String>,
        #[serde(default)]
        tags_all: Vec<String>,
        #[serde(default)]
        exclude_tags: Vec<String>,
    },
    /// Chosen clients. A request lists them (at most 200,000; left out on an edit: kept); a
    /// read leaves them out: `GET /api/v1/mailings/{id}/clients` pages through them.
    Clients {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client_ids: Option<Vec<i64>>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mailing {
    pub id: i64,
    /// What people call it: shown in every list.
    pub name: String,
    /// The sender's name its mail goes out under; null: its owner's full name.
    pub from_name: Option<String>,
    pub message_id: i64,
    /// The message's subject as it is now.
    pub message_subject: String,
    pub audience: Audience,
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
    /// How many clients the audience holds now (unsubscribed ones included; a run skips them).
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
    "name": "Winter sale", "message_id": 1,
    "audience": {"kind": "segment", "tags_any": ["customer"], "exclude_tags": ["churned"]},
    "starts_at": "2026-12-01T09:00:00Z", "ends_at": "2026-12-08T09:00:00Z", "schedule": "daily"
})))]
pub struct MailingRequest {
    /// 1-200 characters on one line. Left out: the message's subject for a new mailing, the
    /// name it has on a replace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The sender's name in its mail, 1-100 characters on one line (From: "<from_name>"
    /// <the installation's address>). Left out: its owner's full name for a new mailing, the
    /// one it has on a replace; blank: back to its owner's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_name: Option<String>,
    pub message_id: i64,
    /// Left out: `client_ids` name chosen clients (as before audiences), or a replace keeps
    /// the audience.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<Audience>,
    /// Chosen clients, without `audience` (or with one of kind clients that lists none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_ids: Option<Vec<i64>>,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Blank: back to its owner's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_name: Option<String>,
    #[serde(default)]
    pub message_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<Audience>,
    /// Chosen clients: alone, they make the audience these clients, whatever it was.
    #[serde(default)]
    pub client_ids: Option<Vec<i64>>,
    #[serde(default)]
    pub starts_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub ends_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub schedule: Option<Schedule>,
}

/// An audience to size before saving a mailing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "audience": {"kind": "segment", "tags_all": ["customer", "poland"]}
})))]
pub struct AudiencePreviewRequest {
    pub audience: Audience,
}

/// How many of your clients an audience holds now, and the first of them by address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AudiencePreview {
    pub client_count: u64,
    /// Of those, how many have unsubscribed: a run leaves them out.
    pub unsubscribed: u64,
    /// Up to 20 of them, by address.
    pub items: Vec<super::Client>,
}

/// Clients to add to or take out of a mailing's chosen clients.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"client_ids": [12, 15]})))]
pub struct MailingClients {
    /// At most 10,000 at once.
    pub client_ids: Vec<i64>,
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
    /// Bounces and complaints about this attempt's mail, oldest first: the server's own refusal
    /// of the address, or reports that came after it accepted the mail.
    #[serde(default)]
    pub events: Vec<super::DeliveryEvent>,
}
