//! Rows as stored, and the forms that insert them. The web layer maps these to wire types.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use mailroom_domain::account::{LinkPurpose, SessionEnd};
use mailroom_domain::audience::{AudienceKind, TagRule};
use mailroom_domain::audit::{AuditAction, TargetKind};
use mailroom_domain::bounce::{Door, EventKind, EventSource, ReportOutcome, SuppressionReason};
use mailroom_domain::delivery::RunTrigger;
use mailroom_domain::message::MessageFormat;
use mailroom_domain::webhook_delivery::DeliveryState as WebhookDeliveryState;
use mailroom_domain::{AttemptStatus, Role, Schedule, UserState};

use super::schema::{
    api_tokens, attempts, audit_log, background_jobs, client_tags, clients, deliveries,
    delivery_events, inbound_mail, mailing_clients, mailing_tags, mailings, messages,
    one_time_tokens, refresh_tokens, runs, suppressions, tags, users, webhook_deliveries,
    webhook_delivery_tries, webhooks,
};

/// Serialized only into the server cache (the signed-in account), without its password hash.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Queryable,
    Selectable,
    Identifiable,
    serde::Serialize,
    serde::Deserialize,
)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    #[serde(skip)]
    pub password_hash: String,
    pub full_name: String,
    pub role: Role,
    pub state: UserState,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub session_version: i64,
    pub confirmed_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub password_hash: &'a str,
    pub full_name: &'a str,
    pub role: Role,
    pub state: UserState,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = clients)]
pub struct ClientRow {
    pub id: i64,
    pub owner_id: i64,
    pub email: String,
    pub full_name: String,
    pub comment: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub unsubscribed_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = clients)]
pub struct NewClient<'a> {
    pub owner_id: i64,
    pub email: &'a str,
    pub full_name: &'a str,
    pub comment: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = tags)]
pub struct TagRow {
    pub id: i64,
    pub owner_id: i64,
    pub name: String,
    pub name_key: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = tags)]
pub struct NewTag<'a> {
    pub owner_id: i64,
    pub name: &'a str,
    pub name_key: &'a str,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = client_tags)]
pub struct ClientTagRow {
    pub tag_id: i64,
    pub client_id: i64,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = messages)]
pub struct MessageRow {
    pub id: i64,
    pub owner_id: i64,
    pub subject: String,
    pub body: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub format: MessageFormat,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = messages)]
pub struct NewMessage<'a> {
    pub owner_id: i64,
    pub subject: &'a str,
    pub body: &'a str,
    pub format: MessageFormat,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = mailings)]
pub struct MailingRow {
    pub id: i64,
    pub owner_id: i64,
    pub message_id: i64,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub disabled: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub schedule: Schedule,
    pub next_run_at: Option<NaiveDateTime>,
    pub audience: AudienceKind,
    pub name: String,
    /// None: its owner's full name.
    pub from_name: Option<String>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = mailings)]
pub struct NewMailing {
    pub owner_id: i64,
    pub name: String,
    pub from_name: Option<String>,
    pub audience: AudienceKind,
    pub message_id: i64,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub schedule: Schedule,
    pub next_run_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = mailing_clients)]
pub struct MailingClientRow {
    pub mailing_id: i64,
    pub client_id: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = mailing_tags)]
pub struct MailingTagRow {
    pub mailing_id: i64,
    pub rule: TagRule,
    pub tag_id: i64,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = attempts)]
pub struct AttemptRow {
    pub id: i64,
    pub mailing_id: i64,
    pub client_email: String,
    pub attempted_at: NaiveDateTime,
    pub status: AttemptStatus,
    pub server_response: String,
    pub run_id: Option<i64>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = attempts)]
pub struct NewAttempt<'a> {
    pub mailing_id: i64,
    pub client_email: &'a str,
    pub attempted_at: NaiveDateTime,
    pub status: AttemptStatus,
    pub server_response: &'a str,
    pub run_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = one_time_tokens)]
pub struct OneTimeTokenRow {
    pub id: i64,
    pub user_id: i64,
    pub purpose: LinkPurpose,
    pub token_hash: String,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = one_time_tokens)]
pub struct NewOneTimeToken<'a> {
    pub user_id: i64,
    pub purpose: LinkPurpose,
    pub token_hash: &'a str,
    pub expires_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshTokenRow {
    pub id: i64,
    pub user_id: i64,
    pub family: String,
    pub token_hash: String,
    pub expires_at: NaiveDateTime,
    pub rotated_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub revoked_because: Option<SessionEnd>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = refresh_tokens)]
pub struct NewRefreshToken<'a> {
    pub user_id: i64,
    pub family: &'a str,
    pub token_hash: &'a str,
    pub expires_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = api_tokens)]
pub struct ApiTokenRow {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub token_hash: String,
    pub prefix: String,
    pub expires_at: Option<NaiveDateTime>,
    pub last_used_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = api_tokens)]
pub struct NewApiToken<'a> {
    pub user_id: i64,
    pub name: &'a str,
    pub token_hash: &'a str,
    pub prefix: &'a str,
    pub expires_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = runs)]
pub struct RunRow {
    pub id: i64,
    pub mailing_id: i64,
    pub trigger: RunTrigger,
    pub scheduled_for: Option<NaiveDateTime>,
    pub total: i64,
    pub skipped: i64,
    pub created_at: NaiveDateTime,
    pub started_at: Option<NaiveDateTime>,
    pub finished_at: Option<NaiveDateTime>,
    pub sent: i64,
    pub failed: i64,
    pub cancelled: i64,
    pub paused_at: Option<NaiveDateTime>,
    pub cancelled_at: Option<NaiveDateTime>,
    /// The highest client id its queueing has passed; `None` once its whole audience is queued.
    pub queued_up_to: Option<i64>,
    pub suppressed: i64,
}

impl RunRow {
    pub fn pending(&self) -> i64 {
        (self.total - self.sent - self.failed - self.cancelled - self.suppressed).max(0)
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = runs)]
pub struct NewRun {
    pub mailing_id: i64,
    pub trigger: RunTrigger,
    pub scheduled_for: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// A delivery as a worker claims it: everything needed to send, nothing more.
#[derive(Debug, Clone, PartialEq, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = deliveries)]
pub struct ClaimedDelivery {
    pub id: i64,
    pub run_id: i64,
    pub client_id: Option<i64>,
    pub email: String,
    pub full_name: String,
    pub attempts: i32,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = suppressions)]
pub struct SuppressionRow {
    pub id: i64,
    pub owner_id: i64,
    pub email: String,
    pub reason: SuppressionReason,
    pub detail: String,
    pub mailing_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = suppressions)]
pub struct NewSuppressionRow<'a> {
    pub owner_id: i64,
    pub email: &'a str,
    pub reason: SuppressionReason,
    pub detail: &'a str,
    pub mailing_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = delivery_events)]
pub struct DeliveryEventRow {
    pub id: i64,
    pub owner_id: i64,
    pub mailing_id: i64,
    pub run_id: i64,
    pub delivery_id: i64,
    pub attempt_id: Option<i64>,
    pub email: String,
    pub kind: EventKind,
    pub source: EventSource,
    pub detail: String,
    pub report_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = delivery_events)]
pub struct NewDeliveryEvent<'a> {
    pub owner_id: i64,
    pub mailing_id: i64,
    pub run_id: i64,
    pub delivery_id: i64,
    pub attempt_id: Option<i64>,
    pub email: &'a str,
    pub kind: EventKind,
    pub source: EventSource,
    pub detail: &'a str,
    pub report_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = inbound_mail)]
pub struct InboundMailRow {
    pub id: i64,
    pub received_at: NaiveDateTime,
    pub door: Door,
    pub envelope_from: String,
    pub envelope_to: String,
    pub raw: Vec<u8>,
    pub outcome: Option<ReportOutcome>,
    pub decision: String,
    pub processed_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = inbound_mail)]
pub struct NewInboundMail<'a> {
    pub received_at: NaiveDateTime,
    pub door: Door,
    pub envelope_from: &'a str,
    pub envelope_to: &'a str,
    pub raw: &'a [u8],
}

#[derive(Debug, Clone, PartialEq, Queryable, QueryableByName, Selectable, Identifiable)]
#[diesel(table_name = background_jobs)]
pub struct JobRow {
    pub id: i64,
    pub job_type: String,
    pub payload: String,
    pub priority: i32,
    pub attempts: i32,
    pub run_at: NaiveDateTime,
    pub lease: Option<i64>,
    pub leased_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub failed_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = webhooks)]
pub struct WebhookRow {
    pub id: i64,
    pub owner_id: i64,
    pub url: String,
    pub description: String,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_secret_until: Option<NaiveDateTime>,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub failing_since: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = webhooks)]
pub struct NewWebhookRow<'a> {
    pub owner_id: i64,
    pub url: &'a str,
    pub description: &'a str,
    pub secret: &'a str,
    pub enabled: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The columns a PATCH changes: `None` leaves one as it is.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = webhooks)]
pub struct WebhookChanges {
    pub url: Option<String>,
    pub description: Option<String>,
    pub enabled: Option<bool>,
    /// `Some(None)` clears it.
    pub disabled_reason: Option<Option<String>>,
    /// `Some(None)` clears it: enabled again, the endpoint's failures count from scratch.
    pub failing_since: Option<Option<NaiveDateTime>>,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = webhook_deliveries)]
pub struct WebhookDeliveryRow {
    pub id: i64,
    pub webhook_id: i64,
    pub event_type: String,
    pub message_id: String,
    pub data: String,
    pub items: i32,
    pub open: bool,
    pub state: WebhookDeliveryState,
    pub tries: i32,
    pub next_try_at: Option<NaiveDateTime>,
    pub schedule: i64,
    pub lease: Option<i64>,
    pub leased_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = webhook_deliveries)]
pub struct NewWebhookDeliveryRow<'a> {
    pub webhook_id: i64,
    pub event_type: &'a str,
    pub message_id: &'a str,
    pub data: &'a str,
    pub items: i32,
    pub open: bool,
    pub next_try_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = webhook_delivery_tries)]
pub struct WebhookTryRow {
    pub id: i64,
    pub delivery_id: i64,
    pub tried_at: NaiveDateTime,
    pub status_code: Option<i32>,
    pub error: Option<String>,
    pub duration_ms: i32,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub id: i64,
    pub at: NaiveDateTime,
    pub actor_id: Option<i64>,
    pub actor: String,
    pub action: AuditAction,
    pub target_type: TargetKind,
    pub target_id: i64,
    pub target: String,
    pub detail: String,
    pub request_id: Option<String>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = audit_log)]
pub struct NewAuditEntry<'a> {
    pub at: NaiveDateTime,
    pub actor_id: Option<i64>,
    pub actor: &'a str,
    pub action: AuditAction,
    pub target_type: TargetKind,
    pub target_id: i64,
    pub target: &'a str,
    pub detail: &'a str,
    pub request_id: Option<&'a str>,
}
