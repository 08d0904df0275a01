//! Where campaign mail goes: an SMTP server through lettre's pooled async transport, or the outbox
//! folder in the embedded mode. Either way each try ends as a `TryOutcome`.

use std::error::Error as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::response::Response;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use mailroom_domain::delivery::TryOutcome;
use secrecy::ExposeSecret;
use tokio::sync::Semaphore;

use crate::mail::{MailConfigError, MailSettings, MailTransport};

/// How long one SMTP command may take before the connection counts as failed.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub enum Courier {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        /// lettre's pool opens a new connection whenever none is idle; this caps how many are
        /// in use at once, so the pool's connections are the only ones.
        connections: Arc<Semaphore>,
    },
    Outbox(AsyncFileTransport<Tokio1Executor>),
}

impl Courier {
    /// `connections`: the most SMTP connections kept open at once (`SMTP_POOL_SIZE`).
    pub fn new(settings: &MailSettings, connections: u32) -> Result<Self, MailConfigError> {
        Ok(match &settings.transport {
            MailTransport::Smtp(url) => Courier::Smtp {
                transport: AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())
                    .map_err(MailConfigError::SmtpUrl)?
                    .timeout(Some(SMTP_TIMEOUT))
                    .pool_config(
                        PoolConfig::new()
                            .max_size(connections.max(1))
                            .idle_timeout(Duration::from_secs(60)),
                    )
                    .build(),
                connections: Arc::new(Semaphore::new(connections.max(1) as usize)),
            },
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
            Courier::Smtp {
                transport,
                connections,
            } => {
                let _connection = connections.acquire().await;
                let started = Instant::now();
                let outcome = Self::outcome(transport.send(message).await);
                (outcome, started.elapsed())
            }
            Courier::Outbox(files) => {
                let started = Instant::now();
                let outcome = Self::written(files.send(message).await);
                (outcome, started.elapsed())
            }
        }
    }

    fn written(result: Result<String, lettre::transport::file::Error>) -> TryOutcome {
        match result {
            Ok(id) => TryOutcome::Reply {
                code: 250,
                text: format!("written to the outbox as {id}.eml"),
            },
            Err(error) => TryOutcome::Unreachable(format!("the outbox refused it: {error}")),
        }
    }

    fn outcome(result: Result<Response, lettre::transport::smtp::Error>) -> TryOutcome {
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
