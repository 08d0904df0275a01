//! Sending one delivery: the background job that makes one try of it, records the answer, and
//! schedules the next try, disables the endpoint (a 410, or a day of failures) or does neither.
//! Any number of workers run these jobs; a delivery's lease keeps two tries of it from
//! overlapping, and its schedule value lets only the job scheduled last send it.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDateTime;
use mailroom_domain::PublicBaseUrl;
use mailroom_domain::webhook::EndpointUrl;
use mailroom_domain::webhook_delivery::{
    self as rules, Answer, DeliveryState, FAILING_FOR, Verdict,
};
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::WebhookSettings;
use super::client::{Called, WebhookClient};
use super::signing;
use crate::clock::Clock;
use crate::db::queries::webhook_deliveries::Claim;
use crate::db::queries::{users, webhook_deliveries};
use crate::db::rows::{WebhookDeliveryRow, WebhookRow};
use crate::db::{DbError, DbPool, blocking, write_transaction};
use crate::jobs::BackgroundJob;
use crate::mail::{Mailer, templates};
use crate::sending::worker::delta;

/// How long a try holds its delivery: longer than a call may take.
const LEASE: Duration = Duration::from_secs(60);

/// What sending webhooks needs.
#[derive(Clone)]
pub struct WebhookContext {
    pub pool: DbPool,
    pub clock: Arc<dyn Clock>,
    pub settings: WebhookSettings,
    pub client: WebhookClient,
    pub mailer: Mailer,
    pub base_url: PublicBaseUrl,
}

/// The job: one try of one delivery, if it is still the one scheduled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliverWebhook {
    pub delivery: i64,
    pub schedule: i64,
}

impl BackgroundJob for DeliverWebhook {
    const JOB_TYPE: &'static str = "deliver_webhook";
    type Context = WebhookContext;

    async fn run(self, context: WebhookContext) -> Result<(), String> {
        match try_once(&context, self.delivery, self.schedule).await {
            Ok(Tried::Held(until)) => Err(format!(
                "another try holds delivery {} until {until}: this job comes back after it",
                self.delivery
            )),
            Ok(_) => Ok(()),
            Err(error) => Err(error.to_string()),
        }
    }
}

/// What `try_once` came to.
#[derive(Debug, Clone)]
pub enum Tried {
    /// A call was made: how it went.
    Called(webhook_deliveries::Tried),
    /// Another try holds the delivery until then (one that died, or whose record failed).
    Held(NaiveDateTime),
    /// Nothing to send: delivered, given up or rescheduled since, or its endpoint disabled.
    Nothing,
}

/// Makes one try of the delivery if it is due under `schedule` and no other try holds it.
pub async fn try_once(context: &WebhookContext, id: i64, schedule: i64) -> Result<Tried, DbError> {
    let now = context.clock.now();
    let lease = rand::rng().random_range(1..i64::MAX);
    let until = now + delta(LEASE);
    let claimed = blocking(&context.pool, move |conn| {
        Ok::<_, DbError>(webhook_deliveries::claim(
            conn, id, schedule, lease, now, until,
        )?)
    })
    .await?;
    let (delivery, endpoint) = match claimed {
        Claim::Taken(pair) => *pair,
        Claim::Held(until) => return Ok(Tried::Held(until)),
        Claim::Stale => return Ok(Tried::Nothing),
    };
    if !endpoint.enabled {
        blocking(&context.pool, move |conn| {
            Ok::<_, DbError>(webhook_deliveries::give_up(
                conn,
                id,
                lease,
                "not sent: the endpoint is disabled",
            )?)
        })
        .await?;
        return Ok(Tried::Nothing);
    }
    let called = call(context, &delivery, &endpoint, now).await;
    let done_at = context.clock.now();
    let tries = u32::try_from(delivery.tries).unwrap_or(0) + 1;
    let jitter: f64 = rand::rng().random();
    let verdict = rules::judge(
        &called.answer,
        tries,
        context.settings.retry_base,
        jitter,
        done_at.and_utc(),
    );
    let (state, next_try_at) = match verdict {
        Verdict::Delivered => (DeliveryState::Delivered, None),
        Verdict::Retry(wait) => (DeliveryState::Pending, Some(done_at + delta(wait))),
        Verdict::GiveUp | Verdict::Gone => (DeliveryState::Failed, None),
    };
    let (status_code, error) = rules::describe(&called.answer);
    let tried = webhook_deliveries::Tried {
        at: done_at,
        status_code: status_code.map(i32::from),
        error,
        duration_ms: i32::try_from(called.took.as_millis()).unwrap_or(i32::MAX),
        state,
        next_try_at,
    };
    let recorded = tried.clone();
    let (webhook_id, was_failing) = (endpoint.id, endpoint.failing_since);
    let what = describe_answer(&called.answer);
    blocking(&context.pool, move |conn| {
        write_transaction::<_, DbError, _>(conn, |conn| {
            if !webhook_deliveries::record_try(conn, id, lease, &recorded)? {
                return Ok(());
            }
            let delivered = verdict == Verdict::Delivered;
            // A success when nothing failed before changes nothing: no statement for it (one
            // call in a hundred attempts, but every statement counts beside the sender's).
            let failing_since = if delivered && was_failing.is_none() {
                None
            } else {
                webhook_deliveries::note_outcome(conn, webhook_id, delivered, done_at)?
            };
            let reason = match (verdict, failing_since) {
                (Verdict::Gone, _) => Some("its receiver answered 410 Gone".to_owned()),
                (_, Some(since)) if done_at - since >= FAILING_FOR => Some(format!(
                    "every call to it failed for a day (the last one: {what})"
                )),
                _ => None,
            };
            if let Some(reason) = reason {
                disable(conn, webhook_id, &reason, done_at)?;
                return Ok(());
            }
            if verdict == Verdict::GiveUp {
                // Its story is over, and with it the endpoint's streak: the next failure, maybe
                // days later, must not find a day of failures behind it.
                webhook_deliveries::note_outcome(conn, webhook_id, true, done_at)?;
            }
            if let Some(at) = recorded.next_try_at {
                DeliverWebhook {
                    delivery: id,
                    schedule: schedule + 1,
                }
                .enqueue_at(conn, done_at, at)?;
            }
            Ok(())
        })
    })
    .await?;
    if verdict != Verdict::Delivered {
        tracing::info!(
            webhook = webhook_id,
            delivery = id,
            tries,
            answer = %describe_answer(&called.answer),
            next_try_at = ?tried.next_try_at,
            "a webhook call failed"
        );
    }
    Ok(Tried::Called(tried))
}

/// Mailroom disables the endpoint: its pending deliveries (this try's among them) are given up,
/// even when another try or its owner disabled it a moment before, and its owner is mailed once
/// (by a job of its own, so that the mail is retried and never sent twice by this try).
fn disable(
    conn: &mut crate::db::DbConnection,
    webhook_id: i64,
    reason: &str,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    let now_disabled = webhook_deliveries::disable(conn, webhook_id, reason, now)?;
    webhook_deliveries::give_up_pending(conn, webhook_id, "not sent: the endpoint was disabled")?;
    if now_disabled {
        NotifyWebhookDisabled {
            webhook: webhook_id,
        }
        .enqueue(conn, now)?;
        tracing::warn!(webhook = webhook_id, reason, "webhook endpoint disabled");
    }
    Ok(())
}

/// Signs and sends the delivery's body; the address is checked again first (the installation's
/// rules may have changed since it was saved).
async fn call(
    context: &WebhookContext,
    delivery: &WebhookDeliveryRow,
    endpoint: &WebhookRow,
    now: NaiveDateTime,
) -> Called {
    let refused = |why: String| Called {
        answer: Answer::Error(why),
        took: Duration::ZERO,
    };
    let url = match EndpointUrl::parse(&endpoint.url, context.settings.https_only) {
        Ok(url) => url,
        Err(error) => return refused(format!("not sent: its address {error}")),
    };
    let body = body(delivery);
    let timestamp = context.clock.now().and_utc().timestamp();
    let mut secrets = vec![endpoint.secret.as_str()];
    if let (Some(previous), Some(until)) =
        (&endpoint.previous_secret, endpoint.previous_secret_until)
        && until > now
    {
        secrets.push(previous);
    }
    let signature =
        match signing::signature(&secrets, &delivery.message_id, timestamp, body.as_bytes()) {
            Ok(signature) => signature,
            Err(why) => return refused(format!("not sent: {why}")),
        };
    let headers = [
        ("webhook-id", delivery.message_id.clone()),
        ("webhook-timestamp", timestamp.to_string()),
        ("webhook-signature", signature),
    ];
    context.client.post(&url, &headers, body).await
}

/// The payload, the same bytes on every try: `{"type", "timestamp", "data"}`.
pub fn body(delivery: &WebhookDeliveryRow) -> String {
    let data = if delivery.items > 0 {
        format!("{{\"attempts\":[{}]}}", delivery.data)
    } else {
        delivery.data.clone()
    };
    // A string and a time: their JSON cannot fail.
    let event = serde_json::to_string(&delivery.event_type).unwrap_or_default();
    let at = serde_json::to_string(&delivery.created_at.and_utc()).unwrap_or_default();
    format!("{{\"type\":{event},\"timestamp\":{at},\"data\":{data}}}")
}

fn describe_answer(answer: &Answer) -> String {
    match answer {
        Answer::Status { code, .. } => format!("HTTP {code}"),
        Answer::Error(why) => why.clone(),
    }
}

/// The job: tell an endpoint's owner that Mailroom disabled it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifyWebhookDisabled {
    pub webhook: i64,
}

impl BackgroundJob for NotifyWebhookDisabled {
    const JOB_TYPE: &'static str = "notify_webhook_disabled";
    type Context = WebhookContext;

    async fn run(self, context: WebhookContext) -> Result<(), String> {
        let id = self.webhook;
        let found = blocking(&context.pool, move |conn| {
            let Some(endpoint) = crate::db::queries::webhooks::find(conn, id)? else {
                return Ok::<_, DbError>(None);
            };
            let owner = users::find(conn, endpoint.owner_id)?;
            Ok(owner.map(|owner| (endpoint, owner)))
        })
        .await
        .map_err(|e| e.to_string())?;
        // Deleted, or enabled again since: nothing to say.
        let Some((endpoint, owner)) = found else {
            return Ok(());
        };
        let Some(reason) = endpoint.disabled_reason.filter(|_| !endpoint.enabled) else {
            return Ok(());
        };
        let to = owner
            .email
            .parse()
            .map_err(|e| format!("the owner's address: {e}"))?;
        let link = context.base_url.join("/integrations");
        let mail = templates::webhook_disabled(&owner.full_name, &endpoint.url, &reason, &link);
        context
            .mailer
            .send(&to, &mail)
            .await
            .map_err(|e| e.to_string())
    }
}
