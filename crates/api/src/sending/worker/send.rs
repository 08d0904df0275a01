//! One delivery: whether it may still go, the throttle, the try, and what its outcome means.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use mailroom_domain::UserState;
use mailroom_domain::delivery::{DeliveryState, NextStep, TryOutcome, may_send};
use rand::Rng;
use tokio_util::sync::CancellationToken;

use super::halted::Halted;
use super::recorder::Record;
use super::suppressed::BatchSuppressions;
use super::{Worker, delta};
use crate::db::queries::deliveries::{Attempt, Outcome};
use crate::db::rows::ClaimedDelivery;
use crate::mail::Lane;
use crate::sending::compose::RunMail;
use mailroom_domain::wire::AttemptData;

impl Worker {
    pub(super) async fn send_one(
        &self,
        delivery: ClaimedDelivery,
        lease: i64,
        mail: Option<Arc<RunMail>>,
        suppressed: &BatchSuppressions,
        halted: &Halted,
        stop: &CancellationToken,
    ) -> Record {
        let now = self.clock.now();
        let owner = mail.as_ref().map(|m| m.content.owner_id);
        let unsent = |worker: &Worker, state: DeliveryState| {
            worker.stats.cancelled.fetch_add(1, Ordering::Relaxed);
            Record::Done {
                outcome: Outcome {
                    delivery_id: delivery.id,
                    lease,
                    state,
                    next_attempt_at: now,
                    attempt: None,
                    hard_bounce: false,
                },
                owner,
                event: None,
            }
        };
        // The mailing may have been stopped, or the client deleted, since the run was queued.
        let (Some(mail), Some(client_id)) = (mail, delivery.client_id) else {
            return unsent(self, DeliveryState::Cancelled);
        };
        let content = &mail.content;
        let owner_blocked = content.owner_state == UserState::Blocked;
        if may_send(now, content.ends_at, content.disabled, owner_blocked).is_err() {
            return unsent(self, DeliveryState::Cancelled);
        }
        // The address went on the suppression list since the run was queued, or was refused for
        // good a moment ago (another mailing's mail to it, in this batch).
        if suppressed.holds(delivery.id, content.owner_id, &delivery.email) {
            return unsent(self, DeliveryState::Suppressed);
        }
        let domain = delivery
            .email
            .rsplit('@')
            .next()
            .unwrap_or_default()
            .to_owned();
        let _slot = tokio::select! {
            permit = self.throttle.admit(&domain) => permit,
            () = stop.cancelled() => return Record::Release { id: delivery.id, lease },
        };
        // The throttle may have kept it a while: a run paused or cancelled meanwhile keeps it.
        if halted.holds(delivery.run_id).await {
            return Record::Release {
                id: delivery.id,
                lease,
            };
        }
        let outcome = match self.composer.compose(&mail, &delivery, client_id) {
            Ok(message) => {
                let (outcome, took) = self.transport.deliver(message, Lane::Mailings).await;
                self.stats.observe(took);
                outcome
            }
            Err(reason) => TryOutcome::Unsendable(reason),
        };
        let attempted_at = self.clock.now();
        let tries = u32::try_from(delivery.attempts).unwrap_or(0) + 1;
        let verdict = outcome.verdict();
        let jitter: f64 = rand::rng().random();
        let step = verdict.next_step(tries, &self.settings.retry, jitter);
        match (verdict, step) {
            (_, NextStep::Sent) => self.throttle.recovered(),
            (mailroom_domain::delivery::Verdict::Retry { slow_down: true }, _) => {
                self.throttle.slow_down()
            }
            _ => {}
        }
        let counter = match step {
            NextStep::Sent => &self.stats.sent,
            NextStep::RetryAfter(_) => &self.stats.retried,
            NextStep::Failed => &self.stats.failed,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        let next_attempt_at = match step {
            NextStep::RetryAfter(wait) => attempted_at + delta(wait),
            NextStep::Sent | NextStep::Failed => attempted_at,
        };
        let hard_bounce = step == NextStep::Failed && crate::bounces::is_hard_refusal(&outcome);
        if hard_bounce {
            suppressed.refused(mail.content.owner_id, &delivery.email);
        }
        if step != NextStep::Sent {
            tracing::info!(
                delivery = delivery.id,
                to = %delivery.email,
                reply = %outcome.describe(),
                state = %step.state(),
                "delivery not accepted"
            );
        }
        let response = outcome.describe();
        // What a webhook receiver is told of it, if its owner has one (the recorder sees).
        let event = AttemptData {
            delivery_id: delivery.id,
            mailing_id: mail.content.mailing_id,
            run_id: delivery.run_id,
            client_id: Some(client_id),
            email: delivery.email,
            status: step.attempt_status(),
            server_reply: response.clone(),
            attempted_at: attempted_at.and_utc(),
            will_retry: matches!(step, NextStep::RetryAfter(_)),
        };
        Record::Done {
            outcome: Outcome {
                delivery_id: delivery.id,
                lease,
                state: step.state(),
                next_attempt_at,
                attempt: Some(Attempt {
                    at: attempted_at,
                    status: step.attempt_status(),
                    response,
                }),
                hard_bounce,
            },
            owner,
            event: Some(event),
        }
    }

    /// A delivery the worker failed on in a way it did not foresee (a panic while composing or
    /// sending): recorded as a failed try with the reason, so its run still finishes.
    pub(super) fn unforeseen(
        &self,
        delivery_id: i64,
        lease: i64,
        owner: Option<i64>,
        why: &str,
    ) -> Record {
        tracing::error!(
            delivery = delivery_id,
            why,
            "a delivery failed unexpectedly"
        );
        self.stats.failed.fetch_add(1, Ordering::Relaxed);
        let at = self.clock.now();
        Record::Done {
            outcome: Outcome {
                delivery_id,
                lease,
                state: DeliveryState::Failed,
                next_attempt_at: at,
                attempt: Some(Attempt {
                    at,
                    status: mailroom_domain::AttemptStatus::Failure,
                    response: TryOutcome::Unsendable(format!("the worker failed on it: {why}"))
                        .describe(),
                }),
                hard_bounce: false,
            },
            owner,
            // What it was about is not at hand after a panic: no webhook event for it.
            event: None,
        }
    }
}

/// The message a panic carries, when it carries text.
pub(super) fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "it panicked".to_owned())
}
