//! Bounces and complaints: what Mailroom learns about an address (the server's refusal while
//! sending, a delivery status notification, a feedback report) and what it does about it: an
//! event tied to the delivery and its attempt, and the address on its owner's suppression list
//! when the rules of `mailroom_domain::bounce` say so. `apply` is the one place that decides.
//!
//! Reports come back by mail, through `mailroom bounce` or the SMTP listener (`listener.rs`);
//! either way `inbound.rs` stores each mail with a
//! background job that reads it (`report.rs`), finds the deliveries it is about (by the VERP
//! token of `verp.rs`, or by the Message-ID it quotes and the address) and applies what it says.

pub mod export;
pub mod inbound;
pub mod listener;
pub mod report;
pub mod verp;

use chrono::NaiveDateTime;
use mailroom_domain::bounce::{self, EventKind, EventSource, SuppressionReason};
use mailroom_domain::delivery::TryOutcome;

use crate::db::queries::events::{self, DeliveryOf};
use crate::db::queries::suppressions;
use crate::db::rows::{NewDeliveryEvent, NewSuppressionRow};
use crate::db::{DbConnection, DbError};
use crate::webhooks::outbox;
use mailroom_domain::webhook::EventType;
use mailroom_domain::wire::ReportData;

/// The rules an installation sets (`BOUNCE_SOFT_LIMIT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BounceRules {
    /// Soft bounces in a row that suppress an address.
    pub soft_limit: u32,
}

impl Default for BounceRules {
    fn default() -> Self {
        Self {
            soft_limit: bounce::DEFAULT_SOFT_LIMIT,
        }
    }
}

/// Something learnt about one delivery.
#[derive(Debug, Clone)]
pub struct Finding<'a> {
    pub delivery: &'a DeliveryOf,
    pub kind: EventKind,
    pub source: EventSource,
    /// The server's reply, the report's diagnostic, or the feedback type.
    pub detail: &'a str,
    /// The received mail it came from, if any.
    pub report_id: Option<i64>,
}

/// What applying a finding did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// Known already (a report sent twice): nothing changed.
    Duplicate,
    Recorded {
        /// The address went on its owner's list now.
        suppressed: bool,
    },
}

/// Records the finding as an event on its delivery's last attempt and, by the rules, suppresses
/// the address (a complaint also unsubscribes the client). Call inside a write transaction.
pub fn apply(
    conn: &mut DbConnection,
    rules: BounceRules,
    finding: &Finding<'_>,
    now: NaiveDateTime,
) -> Result<Applied, DbError> {
    let delivery = finding.delivery;
    events::lock_address(conn, delivery.owner_id, &delivery.email)?;
    let attempt_id = events::last_attempt(conn, delivery)?;
    // Bounded: a diagnostic is a line or two, but a report is written by strangers (who may put
    // a NUL in it, which PostgreSQL's text refuses).
    let detail: String = finding
        .detail
        .chars()
        .filter(|&c| c != '\0')
        .take(DETAIL_CHARS)
        .collect();
    let recorded = events::insert(
        conn,
        &NewDeliveryEvent {
            owner_id: delivery.owner_id,
            mailing_id: delivery.mailing_id,
            run_id: delivery.run_id,
            delivery_id: delivery.id,
            attempt_id,
            email: &delivery.email,
            kind: finding.kind,
            source: finding.source,
            detail: &detail,
            report_id: finding.report_id,
            created_at: now,
        },
    )?;
    if recorded.is_none() {
        return Ok(Applied::Duplicate);
    }
    let in_a_row = match finding.kind {
        EventKind::SoftBounce => events::soft_in_a_row(
            conn,
            delivery.owner_id,
            &delivery.email,
            delivery.client_id,
            delivery.id,
        )?,
        EventKind::HardBounce | EventKind::Complaint => 0,
    };
    let in_a_row = u32::try_from(in_a_row).unwrap_or(u32::MAX);
    let report = ReportData {
        delivery_id: delivery.id,
        mailing_id: delivery.mailing_id,
        run_id: delivery.run_id,
        client_id: delivery.client_id,
        email: delivery.email.clone(),
        kind: finding.kind,
        source: finding.source,
        diagnostic: detail.clone(),
    };
    let told = match finding.kind {
        EventKind::HardBounce | EventKind::SoftBounce => EventType::BounceReceived,
        EventKind::Complaint => EventType::ComplaintReceived,
    };
    outbox::emit(conn, delivery.owner_id, told, &report, now)?;
    let mut suppressed = false;
    if bounce::suppresses(finding.kind, in_a_row, rules.soft_limit) {
        let added = suppressions::add(
            conn,
            &NewSuppressionRow {
                owner_id: delivery.owner_id,
                email: &delivery.email,
                reason: SuppressionReason::from(finding.kind),
                detail: &detail,
                mailing_id: Some(delivery.mailing_id),
                created_at: now,
            },
        )?;
        if let Some(entry) = &added {
            outbox::suppressed(conn, entry, now)?;
        }
        suppressed = added.is_some();
    }
    if finding.kind == EventKind::Complaint
        && let Some(client_id) = delivery.client_id
    {
        outbox::unsubscribed(conn, client_id, now)?;
    }
    tracing::info!(
        delivery = delivery.id,
        to = %delivery.email,
        kind = %finding.kind,
        source = %finding.source,
        detail = %detail,
        suppressed,
        "delivery event recorded"
    );
    Ok(Applied::Recorded { suppressed })
}

/// The longest detail kept with an event or a suppression.
pub const DETAIL_CHARS: usize = 1_000;

/// Whether a try's outcome is a hard bounce: the server refused the address for good.
pub fn is_hard_refusal(outcome: &TryOutcome) -> bool {
    match outcome {
        TryOutcome::Reply { code, text } => bounce::is_hard_refusal(*code, text),
        TryOutcome::Unreachable(_) | TryOutcome::Unsendable(_) => false,
    }
}

/// Applies the hard refusals among a group of just-recorded outcomes (ids of their deliveries,
/// with the server's reply): the recorder calls it in the transaction that records them.
pub fn refused(
    conn: &mut DbConnection,
    rules: BounceRules,
    refusals: &[(i64, String)],
    now: NaiveDateTime,
) -> Result<Vec<i64>, DbError> {
    let ids: Vec<i64> = refusals.iter().map(|(id, _)| *id).collect();
    let mut owners = Vec::new();
    for delivery in events::deliveries_of(conn, &ids)? {
        let Some((_, reply)) = refusals.iter().find(|(id, _)| *id == delivery.id) else {
            continue;
        };
        let finding = Finding {
            delivery: &delivery,
            kind: EventKind::HardBounce,
            source: EventSource::Smtp,
            detail: reply,
            report_id: None,
        };
        apply(conn, rules, &finding, now)?;
        owners.push(delivery.owner_id);
    }
    Ok(owners)
}
