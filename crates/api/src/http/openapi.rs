//! The OpenAPI document, generated from the handlers' annotations.

use actix_web::App;
use mailroom_domain::wire::{FieldError, Problem};
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Mailroom API",
        description = "Manage recipients (clients), messages and mailings; send them on demand or on \
                       schedule and read every delivery attempt.\n\nEvery error is an RFC 9457 \
                       problem document (`application/problem+json`).",
        license(name = "MIT OR Apache-2.0"),
    ),
    tags(
        (name = "health", description = "Liveness and readiness of the server"),
    ),
    components(schemas(Problem, FieldError)),
)]
pub struct ApiDoc;

/// The document for the routes `routes::configure` registers, exactly as the server serves it.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::routes::configure)
        .split_for_parts();
    api
}

/// The document as committed in `openapi/openapi.json`.
pub fn document_json() -> String {
    let mut json = document()
        .to_pretty_json()
        .unwrap_or_else(|e| panic!("the OpenAPI document always serializes: {e}"));
    json.push('\n');
    json
}
