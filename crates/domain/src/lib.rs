//! Mailroom's business rules and the types that cross the wire.
//!
//! Nothing here performs I/O: the server (`crates/api`) and the SPA (`frontend`) both depend on this
//! crate, so a rule or a JSON shape defined here cannot drift between them.

pub mod account;
pub mod audience;
pub mod audit;
pub mod base_url;
pub mod bounce;
pub mod catalogue;
pub mod client;
pub mod delivery;
pub mod email;
pub mod idempotency;
pub mod listing;
pub mod mailing;
pub mod message;
pub mod password;
pub mod permissions;
pub mod run_control;
pub mod schedule;
pub mod selection;
pub mod stats;
pub mod tag;
pub mod template;
pub mod text_enum;
pub mod validation;
pub mod webhook;
pub mod webhook_delivery;
pub mod wire;

pub use account::{Role, UserState};
pub use base_url::PublicBaseUrl;
pub use email::{EmailAddress, EmailError};
pub use mailing::{AttemptStatus, MailingStatus};
pub use password::{Password, PasswordError};
pub use schedule::Schedule;
