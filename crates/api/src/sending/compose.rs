//! Builds each client's copy of a mailing's message: placeholders filled in (`mail::body`), one
//! text part or text and HTML as alternatives, a stable Message-ID, and the one-click
//! unsubscribe headers of RFC 8058.

use lettre::Message;
use lettre::address::Envelope;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use mailroom_domain::PublicBaseUrl;

use super::unsubscribe::UnsubscribeKeys;
use crate::bounces::verp::Verp;
use crate::db::queries::runs::RunContent;
use crate::db::rows::ClaimedDelivery;
use crate::mail::body::{Prepared, Recipient};
use crate::mail::mime::{self, Content};

/// A run's message, read once and made ready to be filled in for each of its clients.
#[derive(Debug)]
pub struct RunMail {
    pub content: RunContent,
    pub body: Prepared,
}

impl RunMail {
    pub fn new(content: RunContent) -> Self {
        let body = Prepared::new(&content.subject, &content.body, content.format);
        Self { content, body }
    }
}

const LIST_UNSUBSCRIBE: HeaderName = HeaderName::new_from_ascii_str("List-Unsubscribe");
const LIST_UNSUBSCRIBE_POST: HeaderName = HeaderName::new_from_ascii_str("List-Unsubscribe-Post");
const LIST_ID: HeaderName = HeaderName::new_from_ascii_str("List-Id");
const FEEDBACK_ID: HeaderName = HeaderName::new_from_ascii_str("Feedback-ID");

#[derive(Clone)]
pub struct Composer {
    from: Mailbox,
    base_url: PublicBaseUrl,
    keys: UnsubscribeKeys,
    /// With `BOUNCE_ADDRESS`: each delivery's own envelope sender.
    verp: Option<Verp>,
}

impl Composer {
    pub fn new(
        from: Mailbox,
        base_url: PublicBaseUrl,
        keys: UnsubscribeKeys,
        verp: Option<Verp>,
    ) -> Self {
        Self {
            from,
            base_url,
            keys,
            verp,
        }
    }

    pub fn unsubscribe_url(&self, client_id: i64) -> String {
        self.keys.url(&self.base_url, client_id)
    }

    /// The message for one delivery, or why it cannot be built.
    pub fn compose(
        &self,
        mail: &RunMail,
        delivery: &ClaimedDelivery,
        client_id: i64,
    ) -> Result<Message, String> {
        let content = &mail.content;
        let unsubscribe_url = self.unsubscribe_url(client_id);
        let rendered = mail.body.fill(&Recipient {
            full_name: &delivery.full_name,
            email: &delivery.email,
            unsubscribe_url: &unsubscribe_url,
        });
        let to: lettre::Address = delivery
            .email
            .parse()
            .map_err(|e| format!("the address {} cannot be used: {e}", delivery.email))?;
        let name = (!delivery.full_name.is_empty()).then(|| delivery.full_name.clone());
        // Bounces come back to the delivery's own address when there is one (VERP), else to
        // the From address.
        let envelope_from = self
            .verp
            .as_ref()
            .and_then(|verp| verp.envelope_sender(delivery.id, &delivery.email))
            .unwrap_or_else(|| self.from.email.clone());
        let envelope = Envelope::new(Some(envelope_from), vec![to.clone()])
            .map_err(|e| format!("the message cannot be addressed: {e}"))?;
        // The mailing's sender name, the owner's by default, at the installation's address (the
        // one DKIM signs for).
        let sender = content
            .from_name
            .clone()
            .or_else(|| (!content.owner_name.is_empty()).then(|| content.owner_name.clone()))
            .or_else(|| self.from.name.clone());
        let domain = self.from.email.domain();
        let mut builder = Message::builder()
            .envelope(envelope)
            .from(Mailbox::new(sender, self.from.email.clone()))
            .to(Mailbox::new(name, to))
            // The same id for every try of a delivery: a copy sent twice (a worker crashed between
            // sending and recording) is one message to the recipient's mail program.
            .message_id(Some(format!(
                "<mailroom.{}.{}@{}>",
                delivery.run_id, delivery.id, domain
            )))
            .subject(rendered.subject)
            .raw_header(HeaderValue::new(
                LIST_UNSUBSCRIBE,
                format!("<{unsubscribe_url}>"),
            ))
            .raw_header(HeaderValue::new(
                LIST_UNSUBSCRIBE_POST,
                "List-Unsubscribe=One-Click".to_owned(),
            ))
            // One list per owner (RFC 2919), so that mail programs group and filter it.
            .raw_header(HeaderValue::new(
                LIST_ID,
                format!("<{}.owners.{domain}>", content.owner_id),
            ))
            // Gmail's feedback loop reports complaints per mailing and owner by this.
            .raw_header(HeaderValue::new(
                FEEDBACK_ID,
                format!("{}:{}:mailroom", content.mailing_id, content.owner_id),
            ));
        if let Ok(owner) = content.owner_email.parse() {
            let name = (!content.owner_name.is_empty()).then(|| content.owner_name.clone());
            builder = builder.reply_to(Mailbox::new(name, owner));
        }
        let content = match rendered.html {
            Some(html) => Content::Multi(MultiPart::alternative_plain_html(rendered.text, html)),
            None => Content::Single(
                SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    .body(rendered.text),
            ),
        };
        mime::build(builder, content).map_err(|e| format!("the message cannot be built: {e}"))
    }
}
