//! HTTP handlers, one module per resource. Each handler parses, calls, and maps the result.

use utoipa_actix_web::service_config::ServiceConfig;

pub mod health;

/// Registers every documented route; `startup` serves them and `http::openapi` documents them, so
/// the served API and its spec are built from the same list.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(health::live).service(health::ready);
}
