//! Accounts and access: passwords, sessions, single-use mail links, API tokens, rate limits.

pub mod account_mail;
pub mod admin;
pub mod current_user;
pub mod error;
pub mod jwt;
pub mod links;
pub mod password;
pub mod rate_limit;
pub mod recovery;
pub mod secret;
pub mod sessions;
pub mod signup;

pub use current_user::{CurrentUser, SessionUser, Via};
pub use error::AuthError;
pub use jwt::JwtKeys;
pub use rate_limit::AuthRateLimits;
