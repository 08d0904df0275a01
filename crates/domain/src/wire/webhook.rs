//! Webhook endpoints on the wire.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::webhook::EventType;

/// An endpoint that is told what happens to its owner's mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Webhook {
    pub id: i64,
    pub owner_id: i64,
    pub url: String,
    pub description: String,
    /// The events it is sent, in name order.
    pub events: Vec<EventType>,
    /// Disabled endpoints are sent nothing.
    pub enabled: bool,
    /// Why Mailroom disabled it (its receiver answered 410, or failed for a day); none when its
    /// owner did, or when it is enabled.
    pub disabled_reason: Option<String>,
    /// Until when the secret before the last rotation still signs too.
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A new endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "url": "https://crm.example.com/hooks/mailroom",
    "events": ["attempt.failed", "client.unsubscribed"],
    "description": "CRM"
})))]
pub struct NewWebhook {
    /// `http` or `https` (only `https` in production), at most 2,000 characters, leading to a
    /// public address.
    pub url: String,
    /// At least one event type; unknown ones are refused by name.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<EventType>, min_items = 1))]
    pub events: Vec<String>,
    /// At most 200 characters.
    #[serde(default)]
    pub description: Option<String>,
}

/// Changes to an endpoint: the fields sent, nothing else.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookPatch {
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<EventType>>, min_items = 1))]
    pub events: Option<Vec<String>>,
    #[serde(default)]
    pub description: Option<String>,
    /// Enabling one that Mailroom disabled clears its reason.
    #[serde(default)]
    pub enabled: Option<bool>,
}

/// An endpoint with its signing secret: shown once, when it is made or its secret rotated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookWithSecret {
    #[serde(flatten)]
    pub webhook: Webhook,
    /// `whsec_` and the base64 of 32 random bytes (Standard Webhooks): keep it; it is not shown
    /// again.
    pub secret: String,
}

/// What lists of endpoints are sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookSort {
    CreatedAt,
}

impl crate::listing::SortField for WebhookSort {
    const FIELDS: &'static [(&'static str, Self)] = &[("created_at", WebhookSort::CreatedAt)];
    const DEFAULT: crate::listing::Sort<Self> = crate::listing::Sort {
        field: WebhookSort::CreatedAt,
        descending: true,
    };
}

/// One call to an endpoint (an event, or a batch of up to 100 attempts), with its tries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDelivery {
    pub id: i64,
    pub webhook_id: i64,
    /// The payload's `type`: an event type, or `webhook.test`.
    pub event: String,
    /// The `webhook-id` header, the same on every try: receivers drop repeats by it.
    pub message_id: String,
    /// How many attempts an `attempt.*` call holds (0 for other events).
    pub items: i32,
    pub state: crate::webhook_delivery::DeliveryState,
    /// Tries so far.
    pub tries: i32,
    /// The last try's status code; none when it got no answer (see `last_error`).
    pub last_status: Option<i32>,
    /// Why the last try got no answer (connection refused, timeout, a refused address).
    pub last_error: Option<String>,
    pub last_duration_ms: Option<i32>,
    /// When it is tried next; none once delivered or given up on.
    pub next_try_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// Every try, oldest first.
    pub attempts: Vec<WebhookTry>,
}

/// One try of a delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookTry {
    pub tried_at: DateTime<Utc>,
    /// The receiver's status code; none when there was no answer.
    pub status_code: Option<i32>,
    /// Why there was no answer.
    pub error: Option<String>,
    pub duration_ms: i32,
}

/// What lists of deliveries are sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookDeliverySort {
    CreatedAt,
}

impl crate::listing::SortField for WebhookDeliverySort {
    const FIELDS: &'static [(&'static str, Self)] =
        &[("created_at", WebhookDeliverySort::CreatedAt)];
    const DEFAULT: crate::listing::Sort<Self> = crate::listing::Sort {
        field: WebhookDeliverySort::CreatedAt,
        descending: true,
    };
}
