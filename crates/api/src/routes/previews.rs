//! Seeing a message as its recipients will, before it goes out: rendered by the code that renders
//! what is sent (`mail::body`), so a preview never differs from the mail.

use actix_web::{HttpResponse, post, web};
use mailroom_domain::PublicBaseUrl;
use mailroom_domain::message::MessageFields;
use mailroom_domain::wire::{MessagePreview, MessagePreviewRequest, Problem};

use crate::auth::CurrentUser;
use crate::db::queries::clients;
use crate::db::{DbPool, blocking};
use crate::http::api_error::ApiError;
use crate::mail::body::{Prepared, Recipient};
use crate::sending::unsubscribe::UnsubscribeKeys;

/// Who an example preview is addressed to.
const EXAMPLE_NAME: &str = "Ann Lee";
const EXAMPLE_EMAIL: &str = "ann@example.org";

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
    body: web::Json<MessagePreviewRequest>,
    pool: web::Data<DbPool>,
    base_url: web::Data<PublicBaseUrl>,
    keys: web::Data<UnsubscribeKeys>,
) -> Result<HttpResponse, ApiError> {
    let fields = MessageFields::parse(&body.subject, &body.body, body.format.as_deref())
        .map_err(ApiError::Validation)?;
    let client = match body.client_id {
        None => None,
        Some(id) => {
            let owner = current.id();
            let row = blocking(&pool, move |conn| {
                Ok::<_, ApiError>(clients::find(conn, id)?)
            })
            .await?
            // Only one's own, managers too: a preview is for mail one sends.
            .filter(|c| c.owner_id == owner)
            .ok_or_else(|| ApiError::NotFound(format!("no client {id}")))?;
            Some(row)
        }
    };
    let unsubscribe_url = match &client {
        Some(client) => keys.url(&base_url, client.id),
        None => base_url.join("/u/example"),
    };
    let (full_name, email) = match client {
        Some(client) => (client.full_name, client.email),
        None => (EXAMPLE_NAME.to_owned(), EXAMPLE_EMAIL.to_owned()),
    };
    // Markdown, sanitising and inlining a big body take a while: off the async threads.
    let rendered = web::block(move || {
        Prepared::new(&fields.subject, &fields.body, fields.format).fill(&Recipient {
            full_name: &full_name,
            email: &email,
            unsubscribe_url: &unsubscribe_url,
        })
    })
    .await
    .map_err(|e| ApiError::Internal(format!("the preview could not be rendered: {e}")))?;
    Ok(HttpResponse::Ok().json(MessagePreview {
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
    }))
}
