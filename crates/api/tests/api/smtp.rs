//! A real SMTP server on loopback for the tests: Python's aiosmtpd, storing every message in a
//! Maildir the tests read. `cargo xtask test` installs it and names its interpreter in
//! MAILROOM_TEST_SMTP_PYTHON.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

pub struct SmtpServer {
    child: Child,
    port: u16,
    maildir: PathBuf,
    _dir: TempDir,
}

#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub message_id: Option<String>,
    pub from: String,
    /// The envelope sender (MAIL FROM), where bounces go.
    pub mail_from: String,
    pub list_unsubscribe: Option<String>,
    pub list_unsubscribe_post: Option<String>,
    /// The message as it arrived.
    pub raw: Vec<u8>,
}

impl ReceivedMail {
    /// The token of the first link to `path` (e.g. `/confirm`) in the plain-text part.
    pub fn token_for(&self, path: &str) -> Option<String> {
        let marker = format!("http://mailroom.test{path}?token=");
        let start = self.text.find(&marker)? + marker.len();
        let token: String = self.text[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        (!token.is_empty()).then_some(token)
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A loopback address where no SMTP server listens (yet): an SMTP server that is down.
pub fn unused_smtp_port() -> u16 {
    free_port()
}

impl SmtpServer {
    pub async fn start() -> Self {
        Self::start_on(free_port()).await
    }

    /// On `port`: the server an app was told about while it was down, now up.
    pub async fn start_on(port: u16) -> Self {
        let python =
            std::env::var("MAILROOM_TEST_SMTP_PYTHON").unwrap_or_else(|_| "python3".into());
        let dir = tempfile::tempdir().expect("temp dir");
        // aiosmtpd creates the Maildir only when the folder does not exist yet.
        let maildir = dir.path().join("maildir");
        // The handler's rules live beside this file (smtp_rules.py).
        let rules = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/api");
        let mut child = Command::new(&python)
            .env("PYTHONPATH", rules)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(["-c", "smtp_rules.Rules"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start the test SMTP server with {python}: {e}"));
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                panic!(
                    "the test SMTP server exited ({status}): is aiosmtpd installed for {python}? \
                     `cargo xtask setup` installs it and `cargo xtask test` points the tests at it"
                );
            }
            assert!(
                Instant::now() < deadline,
                "the test SMTP server did not start in 15 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Self {
            child,
            port,
            maildir,
            _dir: dir,
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn all(&self) -> Vec<ReceivedMail> {
        let Ok(entries) = std::fs::read_dir(self.maildir.join("new")) else {
            return Vec::new();
        };
        // In order of arrival: Maildir names do not sort by time.
        let mut files: Vec<_> = entries
            .flatten()
            .map(|e| (e.metadata().and_then(|m| m.modified()).ok(), e.path()))
            .collect();
        files.sort();
        let files: Vec<_> = files.into_iter().map(|(_, path)| path).collect();
        files
            .iter()
            .filter_map(|path| std::fs::read(path).ok())
            .filter_map(|raw| parse(&raw))
            .collect()
    }

    /// Waits up to ten seconds for the `n`-th mail to `to` (mail leaves after the HTTP answer).
    pub async fn wait_for(&self, to: &str, n: usize) -> Vec<ReceivedMail> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let mails: Vec<_> = self
                .all()
                .into_iter()
                .filter(|m| m.to.eq_ignore_ascii_case(to))
                .collect();
            if mails.len() >= n {
                return mails;
            }
            assert!(
                Instant::now() < deadline,
                "expected {n} mail(s) to {to} within 10 s, got {}",
                mails.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The latest mail to `to`, once there are at least `n`.
    pub async fn nth(&self, to: &str, n: usize) -> ReceivedMail {
        let mails = self.wait_for(to, n).await;
        mails[n - 1].clone()
    }
}

fn parse(raw: &[u8]) -> Option<ReceivedMail> {
    use mailparse::MailHeaderMap;
    let mail = mailparse::parse_mail(raw).ok()?;
    let header = |name: &str| mail.headers.get_first_value(name).unwrap_or_default();
    let mut text = String::new();
    let mut html = String::new();
    for part in mail.parts() {
        match part.ctype.mimetype.as_str() {
            "text/plain" => text = part.get_body().unwrap_or_default(),
            "text/html" => html = part.get_body().unwrap_or_default(),
            _ => {}
        }
    }
    Some(ReceivedMail {
        to: header("X-RcptTo"),
        subject: header("Subject"),
        from: header("From"),
        mail_from: header("X-MailFrom"),
        message_id: mail.headers.get_first_value("Message-ID"),
        list_unsubscribe: mail.headers.get_first_value("List-Unsubscribe"),
        list_unsubscribe_post: mail.headers.get_first_value("List-Unsubscribe-Post"),
        text,
        html,
        raw: raw.to_vec(),
    })
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
