//! The OpenAPI document, generated from the handlers' annotations.

use actix_web::App;
use mailroom_domain::wire::{FieldError, Problem};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
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
        (name = "auth", description = "Sign-up, confirmation, sign-in, sessions and password reset"),
        (name = "me", description = "The signed-in account, its password and its API tokens"),
        (name = "users", description = "Managers: find accounts, block and unblock them"),
        (name = "clients", description = "The people mailings go to, with CSV import and export"),
        (name = "messages", description = "What mailings send, with {{full_name}}, {{email}} and {{unsubscribe_url}} placeholders"),
        (name = "mailings", description = "A message sent to clients between a start and an end time"),
        (name = "sending", description = "Sending a mailing now, following its runs, and the unsubscribe link"),
        (name = "attempts", description = "Every delivery attempt with the mail server's answer"),
    ),
    components(schemas(Problem, FieldError)),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

/// `Authorization: Bearer <token>`, where the token is an access token from `/auth/login` or a
/// personal API token from `/me/tokens`.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An access token (JWT) from POST /api/v1/auth/login, or a personal API \
                         token (mr_…) from POST /api/v1/me/tokens",
                    ))
                    .build(),
            ),
        );
    }
}

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
