//! Campaign mail's SMTP connections: lettre's protocol client (`AsyncSmtpConnection`) over
//! connections this pool opens and keeps, at most `size` in use at once.
//!
//! Why not lettre's pooled `AsyncSmtpTransport`: lettre 0.11.23 leaves Nagle's algorithm on, and it
//! writes a message's final `.` line separately from the body, so every message waits for the
//! server's delayed ACK (40 ms on Linux): 25 messages per second per connection. lettre has merged
//! the fix (TCP_NODELAY, lettre/lettre#1159) but not released it; here each plain or STARTTLS
//! connection is opened with TCP_NODELAY and handed to lettre. Implicit TLS (`smtps://`) is opened
//! by lettre itself and keeps the delay until a lettre release fixes it.

use std::sync::Mutex;
use std::time::Duration;

use std::error::Error as _;

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::transport::smtp::response::Response;
use mailroom_domain::delivery::TryOutcome;
use tokio::net::TcpStream;
use tokio::sync::Semaphore;
use tokio::time::{Instant, timeout};

use super::MailConfigError;

/// How long one message's whole SMTP exchange may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);
/// How long one of the server's addresses gets to accept the TCP connection; the next is tried
/// after it (a black-holed IPv6 address must not cost the IPv4 one its chance).
const ADDRESS_TIMEOUT: Duration = Duration::from_secs(15);
/// How long opening a session may take in all: TCP, greeting, EHLO, TLS, authentication. A
/// server that accepts and then stalls must not hold a connection slot for ever.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(60);
/// Connections Mailroom's own mail (confirmations, resets) may open beside the mailings', so
/// that it never waits behind a campaign.
const OWN_MAIL_CONNECTIONS: usize = 2;
/// Idle connections older than this are closed rather than reused: servers drop them anyway.
const IDLE_LIMIT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Security {
    Plain,
    /// STARTTLS: `?tls=required` fails without it, `?tls=opportunistic` uses it when offered.
    StartTls {
        required: bool,
    },
    /// TLS from the first byte (`smtps://`).
    Implicit,
}

/// Where to connect and how, read from `SMTP_URL` with lettre's URL conventions.
#[derive(Debug, Clone)]
pub struct SmtpEndpoint {
    host: String,
    port: u16,
    security: Security,
    credentials: Option<Credentials>,
    /// The name given in EHLO: the URL's path when it has one (`smtp://host/mail.example.org`),
    /// else this machine's.
    hello: ClientId,
}

impl SmtpEndpoint {
    pub fn parse(raw: &str) -> Result<Self, MailConfigError> {
        let invalid = |why: &str| MailConfigError::SmtpEndpoint(format!("{why} in SMTP_URL"));
        let url = url::Url::parse(raw).map_err(|_| invalid("not a URL"))?;
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| invalid("no host"))?
            .trim_matches(['[', ']'])
            .to_owned();
        let tls = url
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        let (security, default_port) = match (url.scheme(), tls.as_deref()) {
            ("smtp", None) => (Security::Plain, 25),
            ("smtp", Some("required")) => (Security::StartTls { required: true }, 587),
            ("smtp", Some("opportunistic")) => (Security::StartTls { required: false }, 587),
            ("smtp", Some(_)) => return Err(invalid("tls= must be required or opportunistic")),
            ("smtps", _) => (Security::Implicit, 465),
            _ => return Err(invalid("a scheme other than smtp:// or smtps://")),
        };
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .map(|s| s.into_owned())
                .map_err(|_| invalid("a user name or password that is not UTF-8 once decoded"))
        };
        // As lettre: a user name alone is no reason to authenticate.
        let credentials = match (url.username(), url.password()) {
            ("", _) | (_, None) => None,
            (user, Some(password)) => Some(Credentials::new(decode(user)?, decode(password)?)),
        };
        let hello = match url.path().trim_matches('/') {
            "" => ClientId::default(),
            name => ClientId::Domain(decode(name)?),
        };
        Ok(Self {
            port: url.port().unwrap_or(default_port),
            host,
            security,
            credentials,
            hello,
        })
    }

    async fn connect(&self) -> Result<AsyncSmtpConnection, String> {
        timeout(CONNECT_TIMEOUT, self.open())
            .await
            .map_err(|_| format!("no SMTP session within {} s", CONNECT_TIMEOUT.as_secs()))?
    }

    /// One TCP connection, trying the host's addresses in turn, each for `ADDRESS_TIMEOUT`.
    async fn tcp(&self) -> Result<TcpStream, String> {
        let addresses = tokio::net::lookup_host((self.host.as_str(), self.port))
            .await
            .map_err(|e| format!("cannot resolve {}: {e}", self.host))?;
        let mut last = format!("{} has no address", self.host);
        for address in addresses {
            match timeout(ADDRESS_TIMEOUT, TcpStream::connect(address)).await {
                Ok(Ok(tcp)) => return Ok(tcp),
                Ok(Err(e)) => last = format!("{address}: {e}"),
                Err(_) => last = format!("{address}: timed out connecting"),
            }
        }
        Err(last)
    }

    async fn open(&self) -> Result<AsyncSmtpConnection, String> {
        let hello = &self.hello;
        let tls = || TlsParameters::new(self.host.clone()).map_err(|e| e.to_string());
        let mut conn = match self.security {
            Security::Implicit => AsyncSmtpConnection::connect_tokio1(
                (self.host.as_str(), self.port),
                Some(SMTP_TIMEOUT),
                hello,
                Some(tls()?),
                None,
            )
            .await
            .map_err(|e| describe(&e))?,
            Security::Plain | Security::StartTls { .. } => {
                let tcp = self.tcp().await?;
                tcp.set_nodelay(true).map_err(|e| e.to_string())?;
                AsyncSmtpConnection::connect_with_transport(Box::new(tcp), hello)
                    .await
                    .map_err(|e| describe(&e))?
            }
        };
        if let Security::StartTls { required } = self.security {
            if conn.can_starttls() {
                conn.starttls(tls()?, hello)
                    .await
                    .map_err(|e| describe(&e))?;
            } else if required {
                return Err("the server does not offer STARTTLS (tls=required)".into());
            }
        }
        if let Some(credentials) = &self.credentials {
            conn.auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                .await
                .map_err(|e| describe(&e))?;
        }
        Ok(conn)
    }
}

/// Whose mail a send is: mailings share `SMTP_POOL_SIZE` connections; Mailroom's own mail has
/// a few of its own, so a sign-up's confirmation never queues behind a campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    Mailings,
    Own,
}

pub struct SmtpPool {
    endpoint: SmtpEndpoint,
    idle: Mutex<Vec<(AsyncSmtpConnection, Instant)>>,
    mailings: Semaphore,
    own: Semaphore,
}

impl SmtpPool {
    pub fn new(endpoint: SmtpEndpoint, size: u32) -> Self {
        Self {
            endpoint,
            idle: Mutex::new(Vec::new()),
            mailings: Semaphore::new(size.max(1) as usize),
            own: Semaphore::new(OWN_MAIL_CONNECTIONS),
        }
    }

    fn take_idle(&self) -> Option<AsyncSmtpConnection> {
        let mut idle = self
            .idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        while let Some((conn, since)) = idle.pop() {
            if since.elapsed() < IDLE_LIMIT {
                return Some(conn);
            }
        }
        None
    }

    fn give_back(&self, conn: AsyncSmtpConnection) {
        if !conn.has_broken() {
            self.idle
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push((conn, Instant::now()));
        }
    }

    /// Sends one message on a pooled connection; also returns how long the exchange took
    /// (waiting for a free connection left out).
    pub async fn send(
        &self,
        envelope: &Envelope,
        bytes: &[u8],
        lane: Lane,
    ) -> (TryOutcome, Duration) {
        let slots = match lane {
            Lane::Mailings => &self.mailings,
            Lane::Own => &self.own,
        };
        let _slot = slots.acquire().await.expect("never closed");
        let started = Instant::now();
        // A reused connection the server has meanwhile closed (or is closing: 421) is no reason
        // to fail a delivery: one more try on a fresh connection.
        for fresh_only in [false, true] {
            let reused = if fresh_only { None } else { self.take_idle() };
            let was_reused = reused.is_some();
            let mut conn = match reused {
                Some(conn) => conn,
                None => match self.endpoint.connect().await {
                    Ok(conn) => conn,
                    Err(e) => return (TryOutcome::Unreachable(e), started.elapsed()),
                },
            };
            let result = timeout(SMTP_TIMEOUT, conn.send(envelope, bytes)).await;
            let outcome = match result {
                Err(_) => {
                    return (
                        TryOutcome::Unreachable("the server did not answer within 30 s".into()),
                        started.elapsed(),
                    );
                }
                Ok(result) => outcome(result),
            };
            let closing = matches!(outcome, TryOutcome::Reply { code: 421, .. });
            if !closing {
                self.give_back(conn);
            }
            if was_reused && (closing || matches!(outcome, TryOutcome::Unreachable(_))) {
                continue;
            }
            return (outcome, started.elapsed());
        }
        (
            TryOutcome::Unreachable("the connection broke twice".into()),
            started.elapsed(),
        )
    }
}

/// What an SMTP exchange's result means for the delivery.
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

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(url: &str) -> SmtpEndpoint {
        SmtpEndpoint::parse(url).expect("a valid SMTP_URL")
    }

    #[test]
    fn each_documented_form_of_smtp_url_is_read_as_lettre_reads_it() {
        let plain = endpoint("smtp://mail.example.org");
        assert_eq!((plain.port, &plain.security), (25, &Security::Plain));
        assert!(plain.credentials.is_none());
        let implicit = endpoint("smtps://ann:s%40cret@mail.example.org:465");
        assert_eq!(implicit.security, Security::Implicit);
        assert!(implicit.credentials.is_some());
        let starttls = endpoint("smtp://ann:pw@mail.example.org:587?tls=required");
        assert_eq!(
            (starttls.port, &starttls.security),
            (587, &Security::StartTls { required: true })
        );
    }

    #[test]
    fn a_user_name_without_a_password_does_not_authenticate() {
        assert!(
            endpoint("smtp://ann@mail.example.org")
                .credentials
                .is_none()
        );
    }

    #[test]
    fn the_path_names_the_client_in_ehlo() {
        let named = endpoint("smtp://mail.example.org/sender.example.org");
        assert_eq!(named.hello, ClientId::Domain("sender.example.org".into()));
        assert_eq!(
            endpoint("smtp://mail.example.org/").hello,
            ClientId::default()
        );
    }

    #[test]
    fn a_malformed_url_is_refused_with_the_reason() {
        for (url, why) in [
            ("mail.example.org", "not a URL"),
            ("http://mail.example.org", "scheme"),
            ("smtp://mail.example.org?tls=sometimes", "tls="),
            ("smtp://ann:%FF@mail.example.org", "UTF-8"),
        ] {
            let error = SmtpEndpoint::parse(url).expect_err(url).to_string();
            assert!(error.contains(why), "{url}: {error}");
        }
    }
}
