//! Sending rules: when a mailing may send, what a mail server's answer means for a delivery, and
//! how long to wait before trying again.

use std::time::Duration;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// Where a queued delivery stands. `Pending` covers both "waiting" and "being sent": a worker's
/// claim is a lease that expires, not a state, so a crashed worker leaves nothing stuck.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)
)]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum DeliveryState {
    Pending,
    /// The server accepted the message.
    Sent,
    /// The server refused it for good, or every retry was used up.
    Failed,
    /// Stopped before it was sent: the mailing was disabled, its owner blocked, or it ended.
    Cancelled,
    /// Not sent: the address is on its owner's suppression list.
    Suppressed,
}

crate::text_enum!(DeliveryState {
    Pending => "pending",
    Sent => "sent",
    Failed => "failed",
    Cancelled => "cancelled",
    Suppressed => "suppressed",
});

/// What started a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)
)]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum RunTrigger {
    /// Someone asked for it (web app, API or command line).
    Manual,
    /// The mailing's schedule.
    Schedule,
}

crate::text_enum!(RunTrigger {
    Manual => "manual",
    Schedule => "schedule",
});

/// Why a mailing may not send now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendRefusal {
    Ended,
    Disabled,
    OwnerBlocked,
}

impl crate::catalogue::Explain for SendRefusal {
    fn said(&self) -> crate::catalogue::Said {
        use crate::catalogue::{Msg, Said};
        Said::new(match self {
            SendRefusal::Ended => Msg::MailingEnded,
            SendRefusal::Disabled => Msg::MailingDisabled,
            SendRefusal::OwnerBlocked => Msg::OwnerBlocked,
        })
    }
}

crate::explained!(SendRefusal);

/// A mailing may send while it is enabled, its owner is not blocked and its end time is ahead.
pub fn may_send(
    now: NaiveDateTime,
    ends_at: NaiveDateTime,
    disabled: bool,
    owner_blocked: bool,
) -> Result<(), SendRefusal> {
    if owner_blocked {
        Err(SendRefusal::OwnerBlocked)
    } else if disabled {
        Err(SendRefusal::Disabled)
    } else if now >= ends_at {
        Err(SendRefusal::Ended)
    } else {
        Ok(())
    }
}

/// How one try ended, as the transport saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TryOutcome {
    /// The server answered with this reply code (2xx accepted, 4xx transient, 5xx permanent).
    Reply { code: u16, text: String },
    /// No answer: refused connection, timeout, broken connection, TLS failure.
    Unreachable(String),
    /// The message could not be sent as built (an address the server cannot take, say).
    Unsendable(String),
}

/// What a try's outcome means for the delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Sent,
    /// Try again later; `slow_down` when the server asked the sender to back off (421, 450-452).
    Retry {
        slow_down: bool,
    },
    Failed,
}

impl TryOutcome {
    pub fn verdict(&self) -> Verdict {
        match self {
            TryOutcome::Reply { code, .. } => match code {
                200..=299 => Verdict::Sent,
                421 | 450..=452 => Verdict::Retry { slow_down: true },
                400..=499 => Verdict::Retry { slow_down: false },
                _ => Verdict::Failed,
            },
            TryOutcome::Unreachable(_) => Verdict::Retry { slow_down: true },
            TryOutcome::Unsendable(_) => Verdict::Failed,
        }
    }

    /// The text kept with the attempt: the server's code and reply, or the error.
    pub fn describe(&self) -> String {
        match self {
            TryOutcome::Reply { code, text } if text.is_empty() => code.to_string(),
            TryOutcome::Reply { code, text } => format!("{code} {text}"),
            TryOutcome::Unreachable(e) => format!("connection failed: {e}"),
            TryOutcome::Unsendable(e) => format!("not sent: {e}"),
        }
    }
}

/// What becomes of a delivery after a try: the state it moves to, and when it is tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    /// Accepted by the server: done.
    Sent,
    /// Tried again after this wait (it stays pending).
    RetryAfter(Duration),
    /// Refused for good, or out of tries: done.
    Failed,
}

impl NextStep {
    /// The delivery's state once this step is recorded.
    pub fn state(self) -> DeliveryState {
        match self {
            NextStep::Sent => DeliveryState::Sent,
            NextStep::RetryAfter(_) => DeliveryState::Pending,
            NextStep::Failed => DeliveryState::Failed,
        }
    }

    /// How the try itself is recorded.
    pub fn attempt_status(self) -> crate::AttemptStatus {
        match self {
            NextStep::Sent => crate::AttemptStatus::Success,
            NextStep::RetryAfter(_) | NextStep::Failed => crate::AttemptStatus::Failure,
        }
    }
}

impl Verdict {
    /// The step after a delivery's `tries`-th try (the first is 1) ended with this verdict;
    /// `jitter` in [0, 1) spreads the retries.
    pub fn next_step(self, tries: u32, policy: &RetryPolicy, jitter: f64) -> NextStep {
        match self {
            Verdict::Sent => NextStep::Sent,
            Verdict::Failed => NextStep::Failed,
            Verdict::Retry { .. } => match policy.delay(tries, jitter) {
                Some(wait) => NextStep::RetryAfter(wait),
                None => NextStep::Failed,
            },
        }
    }
}

/// Retries of transient failures: exponential backoff with full jitter, a ceiling, and a cap on
/// the number of tries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries in all, the first included.
    pub max_attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            base_delay: Duration::from_secs(30),
            max_delay: Duration::from_secs(3600),
        }
    }
}

impl RetryPolicy {
    /// The wait before the next try after `attempts` tries, or `None` when they are used up.
    /// `jitter` in [0, 1) spreads retries so that a server coming back is not hit all at once;
    /// the wait is never under half the backoff, so a struggling server gets real rest.
    pub fn delay(&self, attempts: u32, jitter: f64) -> Option<Duration> {
        if attempts >= self.max_attempts {
            return None;
        }
        let exponent = attempts.saturating_sub(1).min(30);
        let backoff = self
            .base_delay
            .saturating_mul(1u32 << exponent)
            .min(self.max_delay);
        let jitter = jitter.clamp(0.0, 1.0);
        Some(backoff.mul_f64(0.5 + jitter / 2.0))
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn reply(code: u16) -> TryOutcome {
        TryOutcome::Reply {
            code,
            text: "text".into(),
        }
    }

    #[test]
    fn accepted_messages_are_sent_and_permanent_refusals_are_final() {
        assert_eq!(reply(250).verdict(), Verdict::Sent);
        assert_eq!(reply(550).verdict(), Verdict::Failed);
        assert_eq!(reply(554).verdict(), Verdict::Failed);
        assert_eq!(
            TryOutcome::Unsendable("bad".into()).verdict(),
            Verdict::Failed
        );
    }

    #[test]
    fn transient_refusals_and_unreachable_servers_are_retried() {
        assert_eq!(reply(451).verdict(), Verdict::Retry { slow_down: true });
        assert_eq!(reply(421).verdict(), Verdict::Retry { slow_down: true });
        assert_eq!(reply(454).verdict(), Verdict::Retry { slow_down: false });
        assert_eq!(
            TryOutcome::Unreachable("refused".into()).verdict(),
            Verdict::Retry { slow_down: true }
        );
    }

    #[test]
    fn the_stored_reply_keeps_the_code_and_text() {
        let outcome = TryOutcome::Reply {
            code: 550,
            text: "5.1.1 no such user".into(),
        };
        assert_eq!(outcome.describe(), "550 5.1.1 no such user");
        assert_eq!(
            TryOutcome::Unreachable("Connection refused".into()).describe(),
            "connection failed: Connection refused"
        );
    }

    #[test]
    fn backoff_doubles_within_jitter_and_stops_after_the_last_try() {
        let policy = RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_secs(10),
            max_delay: Duration::from_secs(25),
        };
        assert_eq!(policy.delay(1, 1.0), Some(Duration::from_secs(10)));
        assert_eq!(policy.delay(1, 0.0), Some(Duration::from_secs(5)));
        assert_eq!(policy.delay(2, 1.0), Some(Duration::from_secs(20)));
        assert_eq!(policy.delay(3, 1.0), Some(Duration::from_secs(25)));
        assert_eq!(policy.delay(4, 0.5), None);
    }

    #[test]
    fn a_try_decides_the_deliverys_next_state_and_when_it_is_tried_again() {
        let policy = RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_secs(10),
            max_delay: Duration::from_secs(60),
        };
        let sent = reply(250).verdict().next_step(1, &policy, 0.5);
        assert_eq!(sent, NextStep::Sent);
        assert_eq!(
            (sent.state(), sent.attempt_status()),
            (DeliveryState::Sent, crate::AttemptStatus::Success)
        );
        let retry = reply(451).verdict().next_step(1, &policy, 1.0);
        assert_eq!(retry, NextStep::RetryAfter(Duration::from_secs(10)));
        assert_eq!(
            (retry.state(), retry.attempt_status()),
            (DeliveryState::Pending, crate::AttemptStatus::Failure)
        );
        assert_eq!(
            reply(451).verdict().next_step(3, &policy, 1.0),
            NextStep::Failed,
            "the last try's temporary failure is final"
        );
        let refused = reply(550).verdict().next_step(1, &policy, 0.0);
        assert_eq!(refused.state(), DeliveryState::Failed);
        assert_eq!(
            TryOutcome::Unsendable("no".into())
                .verdict()
                .next_step(1, &policy, 0.0),
            NextStep::Failed
        );
    }

    #[test]
    fn a_mailing_sends_only_when_enabled_its_owner_active_and_before_its_end() {
        let t = |h| {
            NaiveDate::from_ymd_opt(2026, 1, 1)
                .and_then(|d| d.and_hms_opt(h, 0, 0))
                .expect("valid")
        };
        assert_eq!(may_send(t(9), t(10), false, false), Ok(()));
        assert_eq!(
            may_send(t(10), t(10), false, false),
            Err(SendRefusal::Ended)
        );
        assert_eq!(
            may_send(t(9), t(10), true, false),
            Err(SendRefusal::Disabled)
        );
        assert_eq!(
            may_send(t(9), t(10), true, true),
            Err(SendRefusal::OwnerBlocked)
        );
    }
}
