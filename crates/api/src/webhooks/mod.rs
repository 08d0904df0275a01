//! Webhooks: endpoints their owners register to be told what happens to their mail, signed the
//! Standard Webhooks way (standardwebhooks.com). `guard.rs` keeps them out of private networks;
//! `secret.rs` makes their signing secrets.

pub mod guard;
pub mod secret;

/// What an installation allows of endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WebhookSettings {
    /// `WEBHOOK_ALLOW_PRIVATE=1`: endpoints may lead to private addresses (tests, and receivers
    /// inside the installation's own network).
    pub allow_private: bool,
    /// In production, only `https` endpoints.
    pub https_only: bool,
}
