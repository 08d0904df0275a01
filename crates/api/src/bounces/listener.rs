//! A small receive-only SMTP listener for bounces and complaints (`BOUNCE_SMTP_BIND`), inside
//! `mailroom serve` and `mailroom worker`: it takes mail for the bounce address only (any other
//! recipient: 550), refuses mail over `MAX_MAIL_BYTES`, drops sessions idle for a minute, that
//! will not read its replies, or that last too long or say too much (a slow or chatty client
//! must not hold one of the few sessions for ever), and
//! hands each mail to the same code as `mailroom bounce` (`inbound::store`: stored with its job,
//! read by whichever process's job runner comes first). smtp-proto parses the commands and the
//! data's dot-stuffing; no TLS and no AUTH: it is meant for MX traffic to a bounce domain, or
//! for a local MTA to relay to.

use std::sync::Arc;
use std::time::Duration;

use mailroom_domain::bounce::Door;
use smtp_proto::request::receiver::{DataReceiver, DummyDataReceiver, RequestReceiver};
use smtp_proto::{Error as SmtpError, Request};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use super::inbound::{self, BounceContext, MAX_MAIL_BYTES, Received};
use crate::db::{DbError, blocking};

/// A session waits this long for the next bytes before it is dropped.
const IDLE: Duration = Duration::from_secs(60);
/// A whole session lasts this long at most, however busy.
const SESSION: Duration = Duration::from_secs(600);
/// Commands in one session at most: a bounce takes five or six.
const COMMANDS: usize = 1_000;
/// Sessions served at once; more wait for a free one.
const SESSIONS: usize = 64;
/// Recipients per mail at most: a bounce has one (each is stored apart, so more only cost
/// space).
const RECIPIENTS: usize = 5;
/// Commands refused in one session before it is closed.
const ERRORS: usize = 20;

/// Who the listener takes mail for, and where it stores it.
#[derive(Clone)]
pub struct Listener {
    context: BounceContext,
    /// MAIL_FROM's address: the bounce address without `BOUNCE_ADDRESS`.
    from_address: String,
    host: String,
}

impl Listener {
    pub fn new(context: BounceContext, from_address: String) -> Self {
        let host = context.domain.clone();
        Self {
            context,
            from_address,
            host,
        }
    }

    fn accepts(&self, address: &str) -> bool {
        match &self.context.verp {
            Some(verp) => verp.accepts(address),
            None => address.eq_ignore_ascii_case(&self.from_address),
        }
    }

    /// Serves sessions until `stop` is cancelled.
    pub async fn serve(self, listener: TcpListener, stop: CancellationToken) {
        let sessions = Arc::new(Semaphore::new(SESSIONS));
        loop {
            let accepted = tokio::select! {
                accepted = listener.accept() => accepted,
                () = stop.cancelled() => break,
            };
            let (stream, peer) = match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!(%error, "bounce listener: cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            };
            let Ok(permit) = sessions.clone().acquire_owned().await else {
                break;
            };
            let this = self.clone();
            let stop = stop.clone();
            tokio::spawn(async move {
                tokio::select! {
                    ended = tokio::time::timeout(SESSION, this.session(stream)) => {
                        match ended {
                            Ok(Ok(())) => {}
                            Ok(Err(error)) => {
                                tracing::debug!(%peer, %error, "bounce listener: session ended");
                            }
                            Err(_) => tracing::info!(%peer, "bounce listener: session too long, dropped"),
                        }
                    }
                    () = stop.cancelled() => {}
                }
                drop(permit);
            });
        }
    }

    async fn session(&self, mut stream: TcpStream) -> std::io::Result<()> {
        // Each reply is one short write the client waits for: sent at once, never held back.
        stream.set_nodelay(true)?;
        let mut session = Session::default();
        reply(
            &mut stream,
            &format!("220 {} Mailroom bounce receiver ESMTP", self.host),
        )
        .await?;
        let mut commands = RequestReceiver::default();
        let mut buf = vec![0_u8; 16 * 1024];
        loop {
            let read = match tokio::time::timeout(IDLE, stream.read(&mut buf)).await {
                Ok(read) => read?,
                Err(_) => {
                    let _ = reply(&mut stream, "421 4.4.2 Idle for too long, closing").await;
                    return Ok(());
                }
            };
            if read == 0 {
                return Ok(());
            }
            let mut bytes = buf[..read].iter();
            while bytes.len() > 0 {
                if let Some(data) = session.data.as_mut() {
                    let (done, skip) = match data {
                        Data::Keeping { receiver, mail } => {
                            let done = receiver.ingest(&mut bytes, mail);
                            // Too big: the rest is read without being kept, then refused.
                            let skip = (!done && mail.len() > MAX_MAIL_BYTES)
                                .then(|| DummyDataReceiver::new_data(receiver));
                            (done, skip)
                        }
                        Data::Skipping(skip) => (skip.ingest(&mut bytes), None),
                    };
                    if let Some(skip) = skip {
                        session.data = Some(Data::Skipping(skip));
                    }
                    if done {
                        let answer = self.received(&mut session).await;
                        reply(&mut stream, &answer).await?;
                    }
                    continue;
                }
                let before = bytes.len();
                let answer = match commands.ingest(&mut bytes) {
                    Ok(_) if session.commands >= COMMANDS => {
                        Answer::Close("421 4.7.0 Too many commands, closing".into())
                    }
                    Ok(request) => {
                        session.commands += 1;
                        self.command(&mut session, request)
                    }
                    Err(SmtpError::NeedsMoreData { .. }) => break,
                    Err(error) => {
                        if bytes.len() == before {
                            // The parser stops where the line went wrong: skip to its end.
                            let rest = bytes.as_slice();
                            let end = rest
                                .iter()
                                .position(|&b| b == b'\n')
                                .map_or(rest.len(), |p| p + 1);
                            bytes = rest[end..].iter();
                        }
                        Answer::Reply(refusal(&error))
                    }
                };
                match answer {
                    Answer::Reply(text) => {
                        if text.starts_with('5') {
                            session.errors += 1;
                        }
                        if session.errors > ERRORS {
                            reply(&mut stream, "421 4.7.0 Too many errors, closing").await?;
                            return Ok(());
                        }
                        reply(&mut stream, &text).await?;
                    }
                    Answer::Close(text) => {
                        reply(&mut stream, &text).await?;
                        return Ok(());
                    }
                }
            }
        }
    }

    fn command(
        &self,
        session: &mut Session,
        request: Request<std::borrow::Cow<'_, str>>,
    ) -> Answer {
        let reply = |text: String| Answer::Reply(text);
        match request {
            Request::Ehlo { .. } => {
                session.reset();
                reply(format!(
                    "250-{}\r\n250-SIZE {MAX_MAIL_BYTES}\r\n250-8BITMIME\r\n250 ENHANCEDSTATUSCODES",
                    self.host
                ))
            }
            Request::Helo { .. } | Request::Lhlo { .. } => {
                session.reset();
                reply(format!("250 {}", self.host))
            }
            Request::Mail { from } => {
                if from.size > MAX_MAIL_BYTES {
                    return reply(format!(
                        "552 5.3.4 Message too big: at most {MAX_MAIL_BYTES} bytes"
                    ));
                }
                session.reset();
                session.from = Some(from.address.into_owned());
                reply("250 2.1.0 OK".into())
            }
            Request::Rcpt { to } => {
                if session.from.is_none() {
                    return reply("503 5.5.1 MAIL first".into());
                }
                if session.to.len() >= RECIPIENTS {
                    return reply("452 4.5.3 Too many recipients".into());
                }
                if !self.accepts(&to.address) {
                    return reply(format!(
                        "550 5.1.1 <{}>: no such recipient here: this server only takes bounces",
                        to.address
                    ));
                }
                session.to.push(to.address.into_owned());
                reply("250 2.1.5 OK".into())
            }
            Request::Data => {
                if session.to.is_empty() {
                    return reply("503 5.5.1 RCPT first".into());
                }
                session.data = Some(Data::Keeping {
                    receiver: DataReceiver::new(),
                    mail: Vec::new(),
                });
                reply("354 End data with <CR><LF>.<CR><LF>".into())
            }
            Request::Rset => {
                session.reset();
                reply("250 2.0.0 OK".into())
            }
            Request::Noop { .. } => reply("250 2.0.0 OK".into()),
            Request::Quit => Answer::Close("221 2.0.0 Bye".into()),
            Request::StartTls
            | Request::Auth { .. }
            | Request::Bdat { .. }
            | Request::Burl { .. }
            | Request::Vrfy { .. }
            | Request::Expn { .. }
            | Request::Etrn { .. }
            | Request::Atrn { .. } => reply("502 5.5.1 Not implemented".into()),
            Request::Help { .. } => reply("214 2.0.0 This server only takes bounces".into()),
        }
    }

    /// A mail's data has ended: stored (once per recipient, each with its own token), or why not.
    async fn received(&self, session: &mut Session) -> String {
        let data = session.data.take();
        let from = session.from.take().unwrap_or_default();
        let to = std::mem::take(&mut session.to);
        let Some(Data::Keeping { mail, .. }) = data.filter(|d| match d {
            Data::Keeping { mail, .. } => mail.len() <= MAX_MAIL_BYTES,
            Data::Skipping(_) => false,
        }) else {
            return format!("552 5.3.4 Message too big: at most {MAX_MAIL_BYTES} bytes");
        };
        let now = self.context.clock.now();
        let stored = blocking(&self.context.pool, move |conn| {
            let mut ids = Vec::new();
            for recipient in &to {
                let received = Received {
                    door: Door::Smtp,
                    envelope_from: &from,
                    envelope_to: recipient,
                    raw: &mail,
                };
                ids.push(inbound::store(conn, received, now)?.0);
            }
            Ok::<_, DbError>(ids)
        })
        .await;
        match stored {
            Ok(ids) => {
                tracing::info!(mails = ?ids, "bounce listener: mail received");
                format!("250 2.0.0 OK: kept as {ids:?}")
            }
            Err(error) => {
                tracing::error!(%error, "bounce listener: cannot store a mail");
                "451 4.3.0 Cannot keep the mail now, try again later".into()
            }
        }
    }
}

enum Answer {
    Reply(String),
    Close(String),
}

enum Data {
    Keeping {
        receiver: DataReceiver,
        mail: Vec<u8>,
    },
    Skipping(DummyDataReceiver),
}

#[derive(Default)]
struct Session {
    from: Option<String>,
    to: Vec<String>,
    data: Option<Data>,
    errors: usize,
    commands: usize,
}

impl Session {
    fn reset(&mut self) {
        self.from = None;
        self.to.clear();
        self.data = None;
    }
}

fn refusal(error: &SmtpError) -> String {
    match error {
        SmtpError::UnknownCommand => "500 5.5.1 Command unrecognized".into(),
        SmtpError::InvalidSenderAddress => "501 5.1.7 Bad sender address".into(),
        SmtpError::InvalidRecipientAddress => "501 5.1.3 Bad recipient address".into(),
        SmtpError::ResponseTooLong => "500 5.5.6 Line too long".into(),
        SmtpError::UnsupportedParameter { param } => {
            format!("504 5.5.4 Parameter {param} not supported")
        }
        SmtpError::InvalidParameter { param } => format!("501 5.5.4 Bad parameter {param}"),
        SmtpError::SyntaxError { syntax } => format!("501 5.5.2 Syntax: {syntax}"),
        SmtpError::NeedsMoreData { .. } | SmtpError::InvalidResponse { .. } => {
            "500 5.5.2 Syntax error".into()
        }
    }
}

/// Writes a reply, in one piece (two small writes would wait on the client's delayed ACK, 40 ms
/// a reply); a client that reads none of them (pipelining commands for ever) is dropped.
async fn reply(stream: &mut TcpStream, text: &str) -> std::io::Result<()> {
    let line = format!("{text}\r\n");
    let write = async {
        stream.write_all(line.as_bytes()).await?;
        stream.flush().await
    };
    tokio::time::timeout(IDLE, write).await.map_err(|_| {
        std::io::Error::new(std::io::ErrorKind::TimedOut, "the client reads nothing")
    })?
}
