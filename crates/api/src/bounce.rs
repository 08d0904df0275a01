//! `mailroom bounce`: one mail on standard input, stored and acted on, for an MTA's pipe. The
//! exit code is what the MTA acts on: 0 whatever the mail was (an MTA must never bounce a
//! bounce), 75 (EX_TEMPFAIL) when the database cannot take it, so that the MTA keeps the mail
//! and tries again later.

use std::io::Read;
use std::process::ExitCode;
use std::sync::Arc;

use mailroom_api::bounces::inbound::{self, Received};
use mailroom_api::clock::{Clock, SystemClock};
use mailroom_api::config::Settings;
use mailroom_api::startup;
use mailroom_domain::bounce::Door;

/// sysexits.h: a temporary failure, the MTA retries.
const EX_TEMPFAIL: u8 = 75;

/// Says why, and asks the MTA to keep the mail.
pub fn try_again_later(error: &anyhow::Error) -> ExitCode {
    eprintln!("mailroom bounce: cannot take the mail now, try again later: {error:#}");
    ExitCode::from(EX_TEMPFAIL)
}

pub async fn bounce(
    settings: &Settings,
    recipient: Option<String>,
    sender: &str,
) -> anyhow::Result<ExitCode> {
    let mut raw = Vec::new();
    // One byte more than is kept: a longer mail is kept cut, and says so in the log.
    std::io::stdin()
        .take(inbound::MAX_MAIL_BYTES as u64 + 1)
        .read_to_end(&mut raw)?;
    if raw.len() > inbound::MAX_MAIL_BYTES {
        tracing::warn!(
            kept = inbound::MAX_MAIL_BYTES,
            "the mail is longer than Mailroom keeps: its start is kept"
        );
    }
    let recipient = recipient
        .filter(|r| !r.trim().is_empty())
        .or_else(|| inbound::recipient_in_headers(&raw))
        .unwrap_or_default();
    let pool = match startup::open_database(settings).await {
        Ok(pool) => pool,
        Err(error) => {
            eprintln!("mailroom bounce: the database is unreachable, try again later: {error}");
            return Ok(ExitCode::from(EX_TEMPFAIL));
        }
    };
    let (_, cache) = startup::open_cache(settings)?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let context = startup::bounce_context(settings, pool, cache, clock);
    let received = Received {
        door: Door::Pipe,
        envelope_from: sender,
        envelope_to: &recipient,
        raw: &raw,
    };
    match inbound::receive_now(&context, received).await {
        Ok((mail_id, Ok(decision))) => {
            println!("mail {mail_id}: {}", decision.text);
            Ok(ExitCode::SUCCESS)
        }
        Ok((mail_id, Err(error))) => {
            // Stored: a worker's background job processes it later.
            eprintln!("mailroom bounce: mail {mail_id} kept, to be read later: {error}");
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            eprintln!("mailroom bounce: cannot store the mail, try again later: {error}");
            Ok(ExitCode::from(EX_TEMPFAIL))
        }
    }
}
