//! Outgoing mail: a real SMTP server when `SMTP_URL` is set, otherwise an outbox folder of `.eml`
//! files, so the embedded mode works with no mail server and every message can still be read.
//! One `Transport` carries all of it (`transport.rs`); `Mailer` is Mailroom's own mail on top.

use std::path::{Path, PathBuf};

pub mod body;
pub mod dkim;
pub mod mime;
pub mod smtp_pool;
pub mod templates;
pub mod test_send;
pub mod transport;

use lettre::Message;
use lettre::message::{Mailbox, MultiPart};
use mailroom_domain::EmailAddress;
use mailroom_domain::delivery::{TryOutcome, Verdict};
use secrecy::SecretString;

pub use transport::{Lane, Transport};

use dkim::{DkimOptions, DkimSettings, DkimSigner};
use std::sync::Arc;

/// A message's content: a subject, a plain-text body and the same in HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Debug, Clone)]
pub enum MailTransport {
    Smtp(SecretString),
    Outbox(PathBuf),
}

#[derive(Debug, Clone)]
pub struct MailSettings {
    pub transport: MailTransport,
    pub from: Mailbox,
    /// Signs every mail when a key is set.
    pub dkim: Option<Arc<DkimSigner>>,
}

#[derive(Debug, thiserror::Error)]
pub enum MailConfigError {
    #[error("MAIL_FROM '{0}' is not a mailbox such as 'Mailroom <noreply@example.org>'")]
    From(String),
    #[error("{0}")]
    SmtpEndpoint(String),
    #[error(transparent)]
    Dkim(#[from] dkim::DkimError),
    #[error("cannot create the outbox folder {path}")]
    Outbox {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("cannot build the message: {0}")]
    Build(#[from] lettre::error::Error),
    #[error("the recipient address is not deliverable: {0}")]
    Address(#[from] lettre::address::AddressError),
    #[error("not sent: {0}")]
    NotSent(String),
    /// The server refused the mail for good (a 5xx answer): trying again would change nothing.
    #[error("refused: {0}")]
    Refused(String),
}

impl MailSettings {
    /// The key, when one is set, is read here: a bad one stops start-up.
    pub fn new(
        transport: MailTransport,
        from: &str,
        dkim: DkimOptions<'_>,
    ) -> Result<Self, MailConfigError> {
        let from = from
            .parse::<Mailbox>()
            .map_err(|_| MailConfigError::From(from.to_owned()))?;
        let dkim = DkimSettings::parse(dkim, from.email.domain())?
            .map(|settings| DkimSigner::load(&settings))
            .transpose()?
            .map(Arc::new);
        Ok(Self {
            transport,
            from,
            dkim,
        })
    }
}

/// Sends Mailroom's mail. Cheap to clone: it shares the process's one transport.
#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
}

impl Mailer {
    pub fn new(from: Mailbox, transport: Transport) -> Self {
        Self { from, transport }
    }

    /// The outbox folder, when mail is written to files instead of sent.
    pub fn outbox(&self) -> Option<&Path> {
        self.transport.outbox()
    }

    /// The sender of Mailroom's own mail (MAIL_FROM).
    pub fn from(&self) -> &Mailbox {
        &self.from
    }

    /// Sends one message to one recipient, as plain text with an HTML alternative.
    pub async fn send(&self, to: &EmailAddress, email: &Email) -> Result<(), MailError> {
        let subject = email.subject.as_str();
        let message = Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(None, to.as_ref().parse()?))
            .subject(subject)
            // A fresh `<uuid@host>` id: threads, deduplication and bounce matching rely on it.
            .message_id(None);
        let message = mime::build(
            message,
            mime::Content::Multi(MultiPart::alternative_plain_html(
                email.text.clone(),
                email.html.clone(),
            )),
        )?;
        let reply = self.deliver(message).await?;
        tracing::info!(to = %to, subject, reply = %reply, "mail sent");
        Ok(())
    }

    /// Sends a message made elsewhere (a test send) as Mailroom's own mail; the server's reply.
    pub async fn deliver(&self, message: Message) -> Result<String, MailError> {
        let (outcome, _) = self.transport.deliver(message, Lane::Own).await;
        match (outcome.verdict(), &outcome) {
            (Verdict::Sent, TryOutcome::Reply { text, .. }) => Ok(text.clone()),
            (Verdict::Failed, TryOutcome::Reply { .. }) => {
                Err(MailError::Refused(outcome.describe()))
            }
            _ => Err(MailError::NotSent(outcome.describe())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn without_smtp_each_mail_becomes_an_eml_file_in_the_outbox() {
        let dir = tempfile::tempdir().expect("temp dir");
        let outbox = dir.path().join("outbox");
        let settings = MailSettings::new(
            MailTransport::Outbox(outbox.clone()),
            "Mailroom <m@example.org>",
            DkimOptions::default(),
        )
        .expect("valid");
        let transport = Transport::new(&settings, 1).expect("outbox created");
        let mailer = Mailer::new(settings.from.clone(), transport);
        let to = EmailAddress::parse("ann@example.org").expect("valid");
        let email = Email {
            subject: "Welcome".into(),
            text: "Hello Ann".into(),
            html: "<p>Hello Ann</p>".into(),
        };
        mailer.send(&to, &email).await.expect("written");

        let files: Vec<_> = std::fs::read_dir(&outbox)
            .expect("outbox exists")
            .map(|e| e.expect("entry").path())
            .collect();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].extension().and_then(|e| e.to_str()), Some("eml"));
        let eml = std::fs::read_to_string(&files[0]).expect("readable");
        assert!(eml.contains("To: ann@example.org"), "{eml}");
        assert!(eml.contains("Subject: Welcome"), "{eml}");
        assert!(eml.contains("Hello Ann"), "{eml}");
        assert!(eml.contains("Content-Type: text/html"), "{eml}");
        assert!(eml.contains("Message-ID: <"), "{eml}");
    }

    #[test]
    fn a_malformed_sender_is_refused() {
        let err = MailSettings::new(
            MailTransport::Outbox("x".into()),
            "not a mailbox",
            DkimOptions::default(),
        )
        .expect_err("refused");
        assert!(err.to_string().contains("MAIL_FROM"));
    }

    #[test]
    fn an_smtp_url_with_another_scheme_is_refused() {
        let settings = MailSettings::new(
            MailTransport::Smtp(SecretString::from("http://mail.example.org")),
            "m@example.org",
            DkimOptions::default(),
        )
        .expect("valid sender");
        assert!(matches!(
            Transport::new(&settings, 1),
            Err(MailConfigError::SmtpEndpoint(_))
        ));
    }
}
