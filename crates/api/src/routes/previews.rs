//! Seeing a message as its recipients will, before it goes out: the preview, rendered by the code
//! that renders what is sent (`mail::body`), so it never differs from the mail, and a test copy
//! sent to oneself.

use actix_web::{HttpResponse, post, web};
use lettre::message::Mailbox;
use mailroom_domain::PublicBaseUrl;
use mailroom_domain::catalogue::{Msg, Said};
use mailroom_domain::message::MessageFields;
use mailroom_domain::template::{EXAMPLE_EMAIL, EXAMPLE_NAME};
use mailroom_domain::wire::{
    MessagePreview, MessagePreviewRequest, Problem, TestSendRequest, TestSent,
};

use super::owned::{self, Intent};
use crate::auth::CurrentUser;
use crate::db::queries::{clients, messages};
use crate::db::rows::ClientRow;
use crate::db::{DbPool, blocking};
use crate::http::api_error::ApiError;
use crate::http::json::{Json, OptionalJson};
use crate::mail::body::{Prepared, Recipient, Rendered};
use crate::mail::test_send::{self, TestSendLimit};
use crate::mail::{MailError, Mailer};
use crate::sending::unsubscribe::UnsubscribeKeys;

/// A message rendered for one of your clients (`client_id`) or an example one: its subject, text
/// part and HTML part, exactly as they would be sent.
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    request_body = MessagePreviewRequest,
    responses(
        (status = OK, body = MessagePreview),
        (status = UNPROCESSABLE_ENTITY, description = "A blank field, an unknown placeholder or format (named)", body = Problem, content_type = "application/problem+json"),
        (status = NOT_FOUND, description = "No such client of yours", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/messages/preview")]
pub async fn preview_message(
    current: CurrentUser,
    body: Json<MessagePreviewRequest>,
    pool: web::Data<DbPool>,
    base_url: web::Data<PublicBaseUrl>,
    keys: web::Data<UnsubscribeKeys>,
) -> Result<HttpResponse, ApiError> {
    let fields = MessageFields::parse(&body.subject, &body.body, body.format.as_deref())
        .map_err(ApiError::Validation)?;
    let client = own_client(&pool, &current, body.client_id).await?;
    let unsubscribe_url = match &client {
        Some(client) => keys.url(&base_url, client.id),
        None => base_url.join("/u/example"),
    };
    let rendered = rendered(fields, client, unsubscribe_url).await?;
    Ok(HttpResponse::Ok().json(MessagePreview {
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
    }))
}

/// One of the signed-in person's own clients, when a request names one (managers too: previews
/// and tests are for mail one sends).
async fn own_client(
    pool: &DbPool,
    current: &CurrentUser,
    client_id: Option<i64>,
) -> Result<Option<ClientRow>, ApiError> {
    let Some(id) = client_id else {
        return Ok(None);
    };
    let owner = current.id();
    blocking(pool, move |conn| {
        Ok::<_, ApiError>(clients::find(conn, id)?)
    })
    .await?
    .filter(|c| c.owner_id == owner)
    .map(Some)
    .ok_or_else(|| ApiError::missing(Said::with(Msg::ThingClient, [id])))
}

/// Renders the message for `client` (an example client when none), off the async threads.
async fn rendered(
    fields: MessageFields,
    client: Option<ClientRow>,
    unsubscribe_url: String,
) -> Result<Rendered, ApiError> {
    let (full_name, email) = match client {
        Some(client) => (client.full_name, client.email),
        None => (EXAMPLE_NAME.to_owned(), EXAMPLE_EMAIL.to_owned()),
    };
    // Markdown, sanitising and inlining a big body take a while.
    web::block(move || {
        Prepared::new(&fields.subject, &fields.body, fields.format).fill(&Recipient {
            full_name: &full_name,
            email: &email,
            unsubscribe_url: &unsubscribe_url,
        })
    })
    .await
    .map_err(|e| ApiError::Internal(format!("the message could not be rendered: {e}")))
}

/// Sends one copy of the message to your own address, marked as a test (`[Test] ` before its
/// subject and `X-Mailroom-Test: yes`), its placeholders filled for one of your clients
/// (`client_id`) or an example one; its unsubscribe link unsubscribes no one. No run, attempt or
/// statistic is recorded. At most ten an hour.
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The message's id")),
    request_body(content = Option<TestSendRequest>, description = "Optional: an empty body fills in an example client"),
    responses(
        (status = OK, body = TestSent),
        (status = BAD_REQUEST, description = "A body that is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = UNPROCESSABLE_ENTITY, description = "A body that is not a test send request", body = Problem, content_type = "application/problem+json"),
        (status = NOT_FOUND, description = "No such message or client of yours", body = Problem, content_type = "application/problem+json"),
        (status = TOO_MANY_REQUESTS, description = "Ten test sends within the hour (see Retry-After)", body = Problem, content_type = "application/problem+json"),
        (status = BAD_GATEWAY, description = "The mail server did not take it (its reply is said)", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/messages/{id}/test")]
pub async fn test_message(
    current: CurrentUser,
    path: web::Path<i64>,
    body: OptionalJson<TestSendRequest>,
    pool: web::Data<DbPool>,
    base_url: web::Data<PublicBaseUrl>,
    mailer: web::Data<Mailer>,
    limit: web::Data<TestSendLimit>,
) -> Result<HttpResponse, ApiError> {
    let request = body.into_inner().unwrap_or_default();
    let id = path.into_inner();
    let message = owned::load(
        &pool,
        &current,
        Said::with(Msg::ThingMessage, [id]),
        Intent::Read,
        move |conn| messages::find(conn, id),
    )
    .await?;
    let client = own_client(&pool, &current, request.client_id).await?;
    limit
        .check(current.id())
        .map_err(ApiError::TooManyRequests)?;
    let fields = MessageFields {
        subject: message.subject,
        body: message.body,
        format: message.format,
    };
    let copy = rendered(fields, client, base_url.join("/u/example")).await?;
    let subject = format!("{}{}", test_send::SUBJECT_PREFIX, copy.subject);
    let me = &current.user;
    let to_address = me
        .email
        .parse()
        .map_err(|e| ApiError::Internal(format!("the account's address cannot be used: {e}")))?;
    let name = (!me.full_name.is_empty()).then(|| me.full_name.clone());
    // From them, as their mailings are (at the installation's address).
    let from = Mailbox::new(
        name.clone().or_else(|| mailer.from().name.clone()),
        mailer.from().email.clone(),
    );
    let test = test_send::message(from, Mailbox::new(name, to_address), copy)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    mailer.deliver(test).await.map_err(|e| match e {
        MailError::NotSent(reply) | MailError::Refused(reply) => ApiError::MailNotSent(reply),
        // The mail could not be made of an account's own, validated address and name: a bug.
        other => ApiError::Internal(other.to_string()),
    })?;
    Ok(HttpResponse::Ok().json(TestSent {
        to: me.email.clone(),
        subject,
    }))
}
