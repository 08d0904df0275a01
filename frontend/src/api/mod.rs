//! Every request the app makes, one module per resource. The requests are built with `http.rs`;
//! those made as the signed-in person go through the session (`session::SignedIn`), which renews
//! it once after a 401 and tries again.

pub mod attempts;
pub mod audiences;
pub mod audit;
pub mod auth;
pub mod clients;
pub mod health;
pub mod mailings;
pub mod me;
pub mod messages;
pub mod stats;
pub mod suppressions;
pub mod tags;
pub mod unsubscribe;
pub mod users;
pub mod webhooks;

pub use crate::http::{ApiError, Call, ListQuery, answer, get, network, post, problem_of};
