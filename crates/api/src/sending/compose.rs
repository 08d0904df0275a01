//! Builds each client's copy of a mailing's message: placeholders filled in, a stable Message-ID,
//! and the one-click unsubscribe headers of RFC 8058.

use lettre::Message;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, SinglePart};
use mailroom_domain::template::render;

use super::unsubscribe::UnsubscribeKeys;
use crate::db::queries::runs::RunContent;
use crate::db::rows::ClaimedDelivery;
use mailroom_domain::PublicBaseUrl;

const LIST_UNSUBSCRIBE: HeaderName = HeaderName::new_from_ascii_str("List-Unsubscribe");
const LIST_UNSUBSCRIBE_POST: HeaderName = HeaderName::new_from_ascii_str("List-Unsubscribe-Post");

#[derive(Clone)]
pub struct Composer {
    from: Mailbox,
    base_url: PublicBaseUrl,
    keys: UnsubscribeKeys,
}

impl Composer {
    pub fn new(from: Mailbox, base_url: PublicBaseUrl, keys: UnsubscribeKeys) -> Self {
        Self {
            from,
            base_url,
            keys,
        }
    }

    pub fn unsubscribe_url(&self, client_id: i64) -> String {
        self.base_url
            .join(&format!("/u/{}", self.keys.token(client_id)))
    }

    /// The message for one delivery, or why it cannot be built.
    pub fn compose(
        &self,
        content: &RunContent,
        delivery: &ClaimedDelivery,
        client_id: i64,
    ) -> Result<Message, String> {
        let unsubscribe_url = self.unsubscribe_url(client_id);
        let values = [
            ("full_name", delivery.full_name.as_str()),
            ("email", delivery.email.as_str()),
            ("unsubscribe_url", unsubscribe_url.as_str()),
        ];
        let to: lettre::Address = delivery
            .email
            .parse()
            .map_err(|e| format!("the address {} cannot be used: {e}", delivery.email))?;
        let name = (!delivery.full_name.is_empty()).then(|| delivery.full_name.clone());
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(name, to))
            // The same id for every try of a delivery: a copy sent twice (a worker crashed between
            // sending and recording) is one message to the recipient's mail program.
            .message_id(Some(format!(
                "<mailroom.{}.{}@{}>",
                delivery.run_id,
                delivery.id,
                self.from.email.domain()
            )))
            .subject(render(&content.subject, &values))
            .raw_header(HeaderValue::new(
                LIST_UNSUBSCRIBE,
                format!("<{unsubscribe_url}>"),
            ))
            .raw_header(HeaderValue::new(
                LIST_UNSUBSCRIBE_POST,
                "List-Unsubscribe=One-Click".to_owned(),
            ));
        if let Ok(owner) = content.owner_email.parse() {
            let name = (!content.owner_name.is_empty()).then(|| content.owner_name.clone());
            builder = builder.reply_to(Mailbox::new(name, owner));
        }
        builder
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    .body(render(&content.body, &values)),
            )
            .map_err(|e| format!("the message cannot be built: {e}"))
    }
}
