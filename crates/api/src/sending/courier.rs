//! Where campaign mail goes: an SMTP server through a pool of lettre connections (smtp_pool.rs), or
//! the outbox folder in the embedded mode. Either way each try ends as a `TryOutcome`.

use std::error::Error as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use lettre::transport::smtp::response::Response;
use lettre::{AsyncFileTransport, AsyncTransport, Message, Tokio1Executor};
use mailroom_domain::delivery::TryOutcome;
use secrecy::ExposeSecret;

use super::smtp_pool::{SmtpEndpoint, SmtpPool};
use crate::mail::{MailConfigError, MailSettings, MailTransport};

#[derive(Clone)]
pub enum Courier {
    Smtp(Arc<SmtpPool>),
    Outbox(AsyncFileTransport<Tokio1Executor>),
}

impl Courier {
    /// `connections`: the most SMTP connections open at once (`SMTP_POOL_SIZE`).
    pub fn new(settings: &MailSettings, connections: u32) -> Result<Self, MailConfigError> {
        Ok(match &settings.transport {
            MailTransport::Smtp(url) => Courier::Smtp(Arc::new(SmtpPool::new(
                SmtpEndpoint::parse(url.expose_secret())?,
                connections,
            ))),
            MailTransport::Outbox(dir) => {
                std::fs::create_dir_all(dir).map_err(|source| MailConfigError::Outbox {
                    path: PathBuf::from(dir),
                    source,
                })?;
                Courier::Outbox(AsyncFileTransport::new(dir))
            }
        })
    }

    /// Tries once; also returns how long the transaction itself took (waiting for a free
    /// connection left out).
    pub async fn deliver(&self, message: Message) -> (TryOutcome, Duration) {
        match self {
            Courier::Smtp(pool) => pool.send(message.envelope(), &message.formatted()).await,
            Courier::Outbox(files) => {
                let started = Instant::now();
                let outcome = match files.send(message).await {
                    Ok(id) => TryOutcome::Reply {
                        code: 250,
                        text: format!("written to the outbox as {id}.eml"),
                    },
                    Err(error) => {
                        TryOutcome::Unreachable(format!("the outbox refused it: {error}"))
                    }
                };
                (outcome, started.elapsed())
            }
        }
    }
}

/// What an SMTP exchange's result means for the delivery.
pub(super) fn outcome(result: Result<Response, lettre::transport::smtp::Error>) -> TryOutcome {
    match result {
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
    }
}

/// An error with its causes, "network error: Connection refused (os error 111)".
pub(super) fn describe(error: &dyn std::error::Error) -> String {
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
