//! Where campaign mail goes: an SMTP server through lettre's pooled async transport, or the outbox
//! folder in the embedded mode. Either way each try ends as a `TryOutcome`.

use std::error::Error as _;
use std::path::PathBuf;
use std::time::Duration;

use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use mailroom_domain::delivery::TryOutcome;
use secrecy::ExposeSecret;

use crate::mail::{MailConfigError, MailSettings, MailTransport};

/// How long one SMTP command may take before the connection counts as failed.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub enum Courier {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Outbox(AsyncFileTransport<Tokio1Executor>),
}

impl Courier {
    /// `connections`: the most SMTP connections kept open at once (`SMTP_POOL_SIZE`).
    pub fn new(settings: &MailSettings, connections: u32) -> Result<Self, MailConfigError> {
        Ok(match &settings.transport {
            MailTransport::Smtp(url) => Courier::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())
                    .map_err(MailConfigError::SmtpUrl)?
                    .timeout(Some(SMTP_TIMEOUT))
                    .pool_config(
                        PoolConfig::new()
                            .max_size(connections.max(1))
                            .idle_timeout(Duration::from_secs(60)),
                    )
                    .build(),
            ),
            MailTransport::Outbox(dir) => {
                std::fs::create_dir_all(dir).map_err(|source| MailConfigError::Outbox {
                    path: PathBuf::from(dir),
                    source,
                })?;
                Courier::Outbox(AsyncFileTransport::new(dir))
            }
        })
    }

    pub async fn deliver(&self, message: Message) -> TryOutcome {
        match self {
            Courier::Smtp(smtp) => match smtp.send(message).await {
                Ok(response) => TryOutcome::Reply {
                    code: u16::from(response.code()),
                    text: response.message().collect::<Vec<_>>().join(" "),
                },
                Err(error) => match error.status() {
                    Some(code) => TryOutcome::Reply {
                        code: u16::from(code),
                        // The server's own words, without lettre's "permanent error (550):".
                        text: error.source().map(|s| s.to_string()).unwrap_or_default(),
                    },
                    None if error.is_client() => TryOutcome::Unsendable(error.to_string()),
                    None => TryOutcome::Unreachable(describe(&error)),
                },
            },
            Courier::Outbox(files) => match files.send(message).await {
                Ok(id) => TryOutcome::Reply {
                    code: 250,
                    text: format!("written to the outbox as {id}.eml"),
                },
                Err(error) => TryOutcome::Unreachable(format!("the outbox refused it: {error}")),
            },
        }
    }
}

/// An error with its causes, "network error: Connection refused (os error 111)".
fn describe(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}
