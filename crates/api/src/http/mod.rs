//! The web layer's plumbing: error documents, request ids, the SPA and the API docs.

pub mod api_error;
pub mod client_addr;
pub mod constraints;
pub mod contract;
pub mod fallback;
pub mod idempotency;
pub mod invalidation;
pub mod json;
pub mod language;
pub mod openapi;
pub mod problem;
pub mod request_id;
pub mod security_headers;
pub mod spa;
pub mod validators;
