//! The OpenAPI document, generated from the handlers' annotations.

use actix_web::App;
use mailroom_domain::webhook::EventType;
use mailroom_domain::webhook_delivery::TEST_EVENT;
use mailroom_domain::wire::{
    AttemptsData, FieldError, MailingDisabledData, Problem, ReportData, RunData, SuppressedData,
    TestData, UnsubscribedData,
};
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
        (name = "audit", description = "Managers: the audit trail of manager actions, role changes and sign-ins from new addresses"),
        (name = "clients", description = "The people mailings go to: filters, bulk changes, CSV import and export"),
        (name = "tags", description = "The names clients are grouped by, with how many carry each"),
        (name = "messages", description = "What mailings send, with {{full_name}}, {{email}} and {{unsubscribe_url}} placeholders"),
        (name = "mailings", description = "A message sent to clients between a start and an end time"),
        (name = "sending", description = "Sending a mailing now, following its runs, and the unsubscribe link"),
        (name = "attempts", description = "Every delivery attempt with the mail server's answer"),
        (name = "suppressions", description = "Addresses mailings no longer send to: hard bounces, complaints, soft bounces in a row, and entries made by hand"),
        (name = "webhooks", description = "Endpoints told what happens to your mail, signed the Standard Webhooks way"),
    ),
    paths(crate::routes::unsubscribe::unsubscribe_page),
    components(schemas(
        Problem, FieldError, AttemptsData, RunData, UnsubscribedData, MailingDisabledData,
        SuppressedData, ReportData, TestData
    )),
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
    with_middleware(api)
}

/// What the middleware adds to every operation, once the routes are in the document; and the
/// calls Mailroom makes to webhook endpoints.
pub fn with_middleware(api: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    let api = super::constraints::with_constraints(super::contract::with_common_answers(api));
    with_webhooks(with_idempotency_keys(with_http_caching(api)))
}

/// The `webhooks` section of OpenAPI 3.1: one entry per event, the call a receiver gets, its
/// body `{"type", "timestamp", "data"}` with `data` as described in the components. utoipa has
/// no field for it; the document's extensions are written at its top level.
fn with_webhooks(mut api: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use serde_json::{Value, json};

    let data = |event: &str| match event {
        "attempt.succeeded" | "attempt.failed" => "AttemptsData",
        "run.started" | "run.completed" => "RunData",
        "client.unsubscribed" => "UnsubscribedData",
        "mailing.disabled" => "MailingDisabledData",
        "client.suppressed" => "SuppressedData",
        "bounce.received" | "complaint.received" => "ReportData",
        _ => "TestData",
    };
    let names = EventType::ALL
        .iter()
        .map(|e| e.as_str())
        .chain(std::iter::once(TEST_EVENT));
    let webhooks: serde_json::Map<String, Value> = names
        .map(|event| {
            let item = json!({"post": {
                "summary": format!("{event}: what Mailroom sends an endpoint subscribed to it"),
                "description": "Signed the Standard Webhooks way. Answer 2xx within 10 s; \
                                anything else (a redirect too) is retried, 410 disables the \
                                endpoint.",
                "parameters": [
                    {"name": "webhook-id", "in": "header", "required": true,
                     "description": "The same on every try of one call: drop repeats by it",
                     "schema": {"type": "string"}},
                    {"name": "webhook-timestamp", "in": "header", "required": true,
                     "description": "Unix seconds of this try", "schema": {"type": "string"}},
                    {"name": "webhook-signature", "in": "header", "required": true,
                     "description": "`v1,` and the base64 of the HMAC-SHA256 of \
                                     `id.timestamp.body`; two, space-separated, for a day after \
                                     a rotation", "schema": {"type": "string"}},
                ],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {
                    "type": "object",
                    "required": ["type", "timestamp", "data"],
                    "properties": {
                        "type": {"type": "string", "const": event},
                        "timestamp": {"type": "string", "format": "date-time"},
                        "data": {"$ref": format!("#/components/schemas/{}", data(event))},
                    },
                }}}},
                "responses": {"2XX": {"description": "Received"}},
            }});
            (event.to_owned(), item)
        })
        .collect();
    let mut extensions = api.extensions.take().unwrap_or_default();
    extensions.insert("webhooks".to_owned(), Value::Object(webhooks));
    api.extensions = Some(extensions);
    api
}

/// Documents `http::idempotency` on every POST and PATCH it applies to (a signed-in user's,
/// under `/api/v1`, but the account's own): the `Idempotency-Key` header, the replay's
/// `Idempotent-Replayed`, and what a key can earn (400, 409, 413, 422), added to what the
/// operation already says of those codes.
fn with_idempotency_keys(mut api: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
    use utoipa::openapi::{
        HeaderBuilder, ObjectBuilder, RefOr, Required, Type, schema::SchemaType,
    };

    let text = || ObjectBuilder::new().schema_type(SchemaType::new(Type::String));
    let add = |op: &mut Operation| {
        if op.security.as_ref().is_none_or(|s| s.is_empty()) {
            return;
        }
        op.parameters.get_or_insert_with(Vec::new).push(
            ParameterBuilder::new()
                .name("Idempotency-Key")
                .parameter_in(ParameterIn::Header)
                .required(Required::False)
                .description(Some(
                    "Makes a retry safe: the first request with this key runs and its answer is \
                     kept for 24 hours; a repeat with the same method, path and body gets that \
                     answer again (with `Idempotent-Replayed: true`) without running. Server \
                     errors, 401, 403, 415 and 429 are not kept",
                ))
                .schema(Some(
                    text()
                        .min_length(Some(1))
                        .max_length(Some(mailroom_domain::idempotency::MAX_LEN))
                        // Not all spaces: a header's value is trimmed.
                        .pattern(Some("^[\\x20-\\x7E]*[\\x21-\\x7E][\\x20-\\x7E]*$")),
                ))
                .build(),
        );
        for (code, response) in op.responses.responses.iter_mut() {
            if let (true, RefOr::T(response)) = (code.starts_with('2'), response) {
                response
                    .headers
                    .entry("Idempotent-Replayed".into())
                    .or_insert_with(|| {
                        HeaderBuilder::new()
                            .schema(text())
                            .description(Some(
                                "`true` on the kept answer to an earlier request with the same \
                                 Idempotency-Key",
                            ))
                            .build()
                    });
            }
        }
        for (code, meaning) in [
            (
                "400",
                "the Idempotency-Key is empty, too long or not printable ASCII",
            ),
            (
                "409",
                "a request with this Idempotency-Key has not answered yet",
            ),
            ("413", "the body is larger than this operation takes"),
            (
                "422",
                "the Idempotency-Key came with another request before",
            ),
        ] {
            super::contract::add_problem(op, code, meaning);
        }
    };
    for (path, item) in api.paths.paths.iter_mut() {
        if !super::idempotency::remembered(path) {
            continue;
        }
        for op in [item.post.as_mut(), item.patch.as_mut()]
            .into_iter()
            .flatten()
        {
            add(op);
        }
    }
    api
}

/// Documents what `http::validators` adds to every JSON GET under `/api/v1`: the ETag and
/// Cache-Control of a 200, `If-None-Match`, and the 304 it can earn. Applied once the routes are
/// in the document (a `Modify` on `ApiDoc` would run before they are).
pub fn with_http_caching(mut api: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::{
        HeaderBuilder, ObjectBuilder, Required, ResponseBuilder, Type, schema::SchemaType,
    };

    let text = || ObjectBuilder::new().schema_type(SchemaType::new(Type::String));
    for (path, item) in api.paths.paths.iter_mut() {
        let Some(get) = item.get.as_mut().filter(|_| path.starts_with("/api/v1/")) else {
            continue;
        };
        let Some(utoipa::openapi::RefOr::T(ok)) = get.responses.responses.get_mut("200") else {
            continue;
        };
        if !ok.content.contains_key("application/json") {
            continue;
        }
        ok.headers.entry("ETag".into()).or_insert_with(|| {
            HeaderBuilder::new()
                .schema(text())
                .description(Some(
                    "A weak validator of this answer; send it back in If-None-Match",
                ))
                .build()
        });
        ok.headers.entry("Cache-Control".into()).or_insert_with(|| {
            HeaderBuilder::new()
                .schema(text())
                .description(Some(
                    "`private, no-cache` (store, but revalidate each time), unless stated otherwise",
                ))
                .build()
        });
        get.responses.responses.insert(
            "304".into(),
            ResponseBuilder::new()
                .description("Not modified: the answer still has the ETag sent in If-None-Match")
                .build()
                .into(),
        );
        get.parameters.get_or_insert_with(Vec::new).push(
            ParameterBuilder::new()
                .name("If-None-Match")
                .parameter_in(ParameterIn::Header)
                .required(Required::False)
                .description(Some(
                    "ETags of answers already held: a 304 if one still holds",
                ))
                .schema(Some(text()))
                .build(),
        );
    }
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
