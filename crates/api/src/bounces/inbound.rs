//! Mail that came back to the bounce address, through either door (`mailroom bounce` or the SMTP
//! listener): stored as received, with the job that reads it in the same transaction, so that a
//! crash between accepting a report and acting on it loses nothing. The job (`ProcessInbound`)
//! reads the report, finds the deliveries it is about and applies what it says, once.

use std::sync::Arc;

use chrono::NaiveDateTime;
use mailroom_domain::bounce::{Door, EventKind, EventSource, ReportOutcome, dsn_verdict};
use mailroom_domain::delivery::DeliveryState;
use serde::{Deserialize, Serialize};

use super::report::{self, Original, Report};
use super::verp::{Token, Verp};
use super::{Applied, BounceRules, Finding, apply};
use crate::cache::Cache;
use crate::clock::Clock;
use crate::db::queries::events::{self, DeliveryOf};
use crate::db::queries::{inbound, jobs};
use crate::db::rows::NewInboundMail;
use crate::db::{DbConnection, DbError, DbPool, blocking, write_transaction};
use crate::jobs::BackgroundJob;

/// The largest mail kept whole: a report quotes the mail it is about, attachments and all, but
/// its fields come first. What is longer is kept cut at this size.
pub const MAX_MAIL_BYTES: usize = 10 * 1024 * 1024;

/// A mail as a door received it.
#[derive(Debug, Clone, Copy)]
pub struct Received<'a> {
    pub door: Door,
    pub envelope_from: &'a str,
    /// The address it was delivered to (the bounce address, with a delivery's token or not).
    pub envelope_to: &'a str,
    pub raw: &'a [u8],
}

/// Stores the mail and the job that processes it, in one transaction: (mail id, job id).
pub fn store(
    conn: &mut DbConnection,
    received: Received<'_>,
    now: NaiveDateTime,
) -> Result<(i64, i64), DbError> {
    let raw = &received.raw[..received.raw.len().min(MAX_MAIL_BYTES)];
    // Text columns: PostgreSQL takes no NUL, and a stranger's envelope may hold one.
    let (from, to) = (
        received.envelope_from.replace('\0', ""),
        received.envelope_to.replace('\0', ""),
    );
    write_transaction::<_, DbError, _>(conn, |conn| {
        let id = inbound::insert(
            conn,
            &NewInboundMail {
                received_at: now,
                door: received.door,
                envelope_from: &from,
                envelope_to: &to,
                raw,
            },
        )?;
        let job = ProcessInbound { mail_id: id }.enqueue(conn, now)?;
        Ok((id, job))
    })
}

/// What reading a mail needs.
#[derive(Clone)]
pub struct BounceContext {
    pub pool: DbPool,
    pub cache: Cache,
    pub clock: Arc<dyn Clock>,
    /// With `BOUNCE_ADDRESS`: reads the delivery tokens of recipient addresses.
    pub verp: Option<Verp>,
    pub rules: BounceRules,
    /// The domain of Mailroom's Message-IDs (MAIL_FROM's).
    pub domain: String,
}

/// The job: read one stored mail and act on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessInbound {
    pub mail_id: i64,
}

impl BackgroundJob for ProcessInbound {
    const JOB_TYPE: &'static str = "process_inbound_mail";
    const PRIORITY: i32 = 10;
    type Context = BounceContext;

    async fn run(self, context: BounceContext) -> Result<(), String> {
        process(&context, self.mail_id)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// What was decided about a mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub outcome: ReportOutcome,
    /// In words, as logged and stored.
    pub text: String,
}

/// Reads the stored mail and applies what it says, unless that was done already; the decision.
pub async fn process(context: &BounceContext, mail_id: i64) -> Result<Decision, DbError> {
    let ctx = context.clone();
    let now = context.clock.now();
    let (decision, owners) = blocking(&context.pool, move |conn| {
        write_transaction::<_, DbError, _>(conn, |conn| decide(conn, &ctx, mail_id, now))
    })
    .await?;
    context.cache.changed(owners).await;
    tracing::info!(
        mail = mail_id,
        outcome = %decision.outcome,
        decision = %decision.text,
        "received mail processed"
    );
    Ok(decision)
}

fn decide(
    conn: &mut DbConnection,
    ctx: &BounceContext,
    mail_id: i64,
    now: NaiveDateTime,
) -> Result<(Decision, Vec<i64>), DbError> {
    let Some(mail) = inbound::lock(conn, mail_id)? else {
        return Err(DbError::Task(format!("no received mail {mail_id}")));
    };
    if let (Some(outcome), Some(_)) = (mail.outcome, mail.processed_at) {
        return Ok((
            Decision {
                outcome,
                text: mail.decision,
            },
            Vec::new(),
        ));
    }
    let report = report::read(&mail.raw);
    let token = match &ctx.verp {
        Some(verp) => about(conn, verp, verp.read(&mail.envelope_to))?,
        None => About::Unnamed,
    };
    let (decision, owners) = match (&token, report) {
        (About::Forged, _) => (ignored("its delivery token is forged".into()), Vec::new()),
        (_, Report::Other(what)) => (ignored(what), Vec::new()),
        (
            token,
            Report::Dsn {
                recipients,
                original,
            },
        ) => {
            let mut findings = Vec::new();
            for recipient in &recipients {
                let Some(kind) = dsn_verdict(recipient.action, recipient.status) else {
                    continue;
                };
                let addresses = [recipient.address.as_str()];
                if let Some(delivery) = named(conn, ctx, token, &original, &addresses)? {
                    findings.push((delivery, kind, recipient.diagnostic.clone()));
                }
            }
            if recipients
                .iter()
                .all(|r| dsn_verdict(r.action, r.status).is_none())
            {
                (
                    ignored("a delivery report of no failure or delay".into()),
                    Vec::new(),
                )
            } else {
                act(conn, ctx, mail_id, EventSource::Dsn, findings, now)?
            }
        }
        (_, Report::Feedback { feedback_type, .. }) if !is_complaint(&feedback_type) => (
            ignored(format!(
                "a feedback report of type {feedback_type}, no complaint"
            )),
            Vec::new(),
        ),
        (
            token,
            Report::Feedback {
                feedback_type,
                original_rcpt_to,
                original,
            },
        ) => {
            let addresses: Vec<&str> = original_rcpt_to.iter().map(String::as_str).collect();
            let findings = named(conn, ctx, token, &original, &addresses)?
                .map(|delivery| (delivery, EventKind::Complaint, feedback_type.clone()))
                .into_iter()
                .collect();
            act(conn, ctx, mail_id, EventSource::Arf, findings, now)?
        }
    };
    inbound::set_decision(conn, mail_id, decision.outcome, &decision.text, now)?;
    Ok((decision, owners))
}

/// The feedback types (RFC 5965) a recipient sends about mail they did not want; `not-spam`
/// (RFC 6430) and `auth-failure` (RFC 6591) are no complaint.
fn is_complaint(feedback_type: &str) -> bool {
    matches!(feedback_type, "abuse" | "fraud" | "virus" | "other")
}

fn ignored(why: String) -> Decision {
    Decision {
        outcome: ReportOutcome::Ignored,
        text: format!("ignored: {why}"),
    }
}

/// What the address a mail was sent to says of the delivery it is about.
enum About {
    /// No token: the bounce address itself, or no `BOUNCE_ADDRESS` at all.
    Unnamed,
    /// A token signed for this delivery and its address.
    Delivery(DeliveryOf),
    /// A token that is not ours, or not (any more) this delivery's: never acted on.
    Forged,
}

fn about(conn: &mut DbConnection, verp: &Verp, token: Token) -> Result<About, DbError> {
    Ok(match token {
        Token::None => About::Unnamed,
        Token::Forged => About::Forged,
        Token::Delivery(signed) => events::deliveries_of(conn, &[signed.delivery_id])?
            .into_iter()
            .find(|d| verp.vouches(&signed, &d.email))
            .map_or(About::Forged, About::Delivery),
    })
}

/// The delivery a report is about: the one its token names. Without `BOUNCE_ADDRESS` there are
/// no tokens: the one its quoted Message-ID names, if the report names that delivery's address
/// too (ids are sequential: a Message-ID alone is no proof). Only mail a server accepted can
/// bounce later or draw a complaint: a report about any other delivery names none.
fn named(
    conn: &mut DbConnection,
    ctx: &BounceContext,
    token: &About,
    original: &Original,
    reported: &[&str],
) -> Result<Option<DeliveryOf>, DbError> {
    let accepted = |d: &DeliveryOf| d.state == DeliveryState::Sent;
    match (token, &ctx.verp) {
        (About::Delivery(delivery), _) => return Ok(Some(delivery.clone()).filter(accepted)),
        // With tokens, a report without one is about no delivery of ours.
        (About::Forged, _) | (About::Unnamed, Some(_)) => return Ok(None),
        (About::Unnamed, None) => {}
    }
    let Some((run_id, id)) = original
        .message_id
        .as_deref()
        .and_then(|m| report::delivery_of_message_id(m, &ctx.domain))
    else {
        return Ok(None);
    };
    let Some(delivery) = events::deliveries_of(conn, &[id])?
        .into_iter()
        .find(|d| d.run_id == run_id)
    else {
        return Ok(None);
    };
    let same = |address: &str| address.trim().eq_ignore_ascii_case(&delivery.email);
    let vouched = reported.iter().any(|a| same(a)) || original.to.iter().any(|a| same(a));
    Ok(Some(delivery).filter(|d| vouched && accepted(d)))
}

fn act(
    conn: &mut DbConnection,
    ctx: &BounceContext,
    mail_id: i64,
    source: EventSource,
    findings: Vec<(DeliveryOf, EventKind, String)>,
    now: NaiveDateTime,
) -> Result<(Decision, Vec<i64>), DbError> {
    if findings.is_empty() {
        return Ok((
            ignored("a report about no delivery of ours".into()),
            Vec::new(),
        ));
    }
    let mut said = Vec::new();
    let mut owners = Vec::new();
    let mut outcome = ReportOutcome::Bounce;
    for (delivery, kind, detail) in &findings {
        let applied = apply(
            conn,
            ctx.rules,
            &Finding {
                delivery,
                kind: *kind,
                source,
                detail,
                report_id: Some(mail_id),
            },
            now,
        )?;
        if *kind == EventKind::Complaint {
            outcome = ReportOutcome::Complaint;
        }
        owners.push(delivery.owner_id);
        said.push(match applied {
            Applied::Duplicate => format!("{kind} of delivery {} known already", delivery.id),
            Applied::Recorded { suppressed: true } => {
                format!(
                    "{kind} of delivery {} ({}): suppressed",
                    delivery.id, delivery.email
                )
            }
            Applied::Recorded { suppressed: false } => {
                format!("{kind} of delivery {} ({})", delivery.id, delivery.email)
            }
        });
    }
    Ok((
        Decision {
            outcome,
            text: said.join("; "),
        },
        owners,
    ))
}

/// Stores a mail that came through `mailroom bounce` and processes it at once, so that the
/// command can say what it decided; a failure to process leaves the job for a worker.
pub async fn receive_now(
    context: &BounceContext,
    received: Received<'_>,
) -> Result<(i64, Result<Decision, DbError>), DbError> {
    let now = context.clock.now();
    let (raw, from, to) = (
        received.raw.to_vec(),
        received.envelope_from.to_owned(),
        received.envelope_to.to_owned(),
    );
    let door = received.door;
    let (mail_id, job_id) = blocking(&context.pool, move |conn| {
        store(
            conn,
            Received {
                door,
                envelope_from: &from,
                envelope_to: &to,
                raw: &raw,
            },
            now,
        )
    })
    .await?;
    let decided = process(context, mail_id).await;
    if decided.is_ok() {
        // Done here: the job would only find it processed.
        let _ = blocking(&context.pool, move |conn| {
            Ok::<_, DbError>(jobs::delete(conn, job_id)?)
        })
        .await;
    }
    Ok((mail_id, decided))
}

/// The address a piped mail was delivered to, as the delivering MTA recorded it in the mail.
pub fn recipient_in_headers(raw: &[u8]) -> Option<String> {
    let headers = mail_parser::MessageParser::default().parse_headers(raw)?;
    ["X-Original-To", "Delivered-To"]
        .into_iter()
        .find_map(|name| {
            headers
                .header_raw(name)
                .map(|value| value.trim().to_owned())
                .filter(|value| !value.is_empty())
        })
}
