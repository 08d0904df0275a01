//! Where all mail goes, Mailroom's own and mailings alike: an SMTP server through one pool of
//! lettre connections per process (smtp_pool.rs, `SMTP_URL` parsed there and only there), or the
//! outbox folder in the embedded mode. Either way each try ends as a `TryOutcome`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use lettre::{AsyncFileTransport, AsyncTransport, Message, Tokio1Executor};
use mailroom_domain::delivery::TryOutcome;
use secrecy::ExposeSecret;

use super::dkim::DkimSigner;
pub use super::smtp_pool::Lane;
use super::smtp_pool::{SmtpEndpoint, SmtpPool};
use super::{MailConfigError, MailSettings, MailTransport};

/// Cheap to clone: clones share the pool and the signing key.
#[derive(Clone)]
pub struct Transport {
    route: Route,
    /// Signs every mail that leaves, mailings and Mailroom's own alike.
    dkim: Option<Arc<DkimSigner>>,
}

#[derive(Clone)]
enum Route {
    Smtp(Arc<SmtpPool>),
    Outbox {
        dir: PathBuf,
        files: AsyncFileTransport<Tokio1Executor>,
    },
}

impl Transport {
    /// `connections`: the most SMTP connections open at once (`SMTP_POOL_SIZE`).
    pub fn new(settings: &MailSettings, connections: u32) -> Result<Self, MailConfigError> {
        let route = match &settings.transport {
            MailTransport::Smtp(url) => Route::Smtp(Arc::new(SmtpPool::new(
                SmtpEndpoint::parse(url.expose_secret())?,
                connections,
            ))),
            MailTransport::Outbox(dir) => {
                std::fs::create_dir_all(dir).map_err(|source| MailConfigError::Outbox {
                    path: PathBuf::from(dir),
                    source,
                })?;
                Route::Outbox {
                    dir: dir.clone(),
                    files: AsyncFileTransport::new(dir),
                }
            }
        };
        Ok(Self {
            route,
            dkim: settings.dkim.clone(),
        })
    }

    /// Tries once; also returns how long the transaction itself took (waiting for a free
    /// connection left out). `lane`: a mailing's mail, or Mailroom's own.
    pub async fn deliver(&self, mut message: Message, lane: Lane) -> (TryOutcome, Duration) {
        if let Some(dkim) = &self.dkim {
            dkim.sign(&mut message);
        }
        match &self.route {
            Route::Smtp(pool) => {
                pool.send(message.envelope(), &message.formatted(), lane)
                    .await
            }
            Route::Outbox { files, .. } => {
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

    /// The outbox folder, when mail is written to files instead of sent.
    pub fn outbox(&self) -> Option<&Path> {
        match &self.route {
            Route::Outbox { dir, .. } => Some(dir),
            Route::Smtp(_) => None,
        }
    }
}
