//! Webhooks: endpoints their owners register to be told what happens to their mail, signed the
//! Standard Webhooks way (standardwebhooks.com). `outbox.rs` writes events in the transaction of
//! their cause; `deliver.rs` is the job that sends one, with `client.rs` (the one HTTP client)
//! and `signing.rs`; `guard.rs` keeps them out of private networks; `secret.rs` makes their
//! signing secrets.

pub mod client;
pub mod deliver;
pub mod guard;
pub mod outbox;
pub mod secret;
pub mod signing;

/// What an installation allows of endpoints, and how it retries them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookSettings {
    /// `WEBHOOK_ALLOW_PRIVATE=1`: endpoints may lead to private addresses (tests, and receivers
    /// inside the installation's own network).
    pub allow_private: bool,
    /// In production, only `https` endpoints.
    pub https_only: bool,
    /// `WEBHOOK_RETRY_BASE_SECS`: the retry schedule's unit.
    pub retry_base: std::time::Duration,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            allow_private: false,
            https_only: false,
            retry_base: std::time::Duration::from_secs(5),
        }
    }
}
