//! The JSON shapes exchanged between the server and its clients (the SPA and integrations).

mod health;
mod problem;

pub use health::{Check, CheckStatus, Liveness, NotReady, Readiness, ReadinessChecks, ReadyStatus};
pub use problem::{FieldError, PROBLEM_CONTENT_TYPE, Problem, ProblemKind};
