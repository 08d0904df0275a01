//! Delivering webhook events: what a receiver's answer means, and when to try again.
//! The schedule follows the Standard Webhooks recommendation (a try now, then after 5 s, 5 min,
//! 30 min, 2 h, 5 h, 10 h and 10 h: eight tries over about a day), scaled by the installation's
//! base wait (`WEBHOOK_RETRY_BASE_SECS`, 5 by default) and spread by a little jitter so that a
//! receiver coming back is not hit by every endpoint's retries in the same second.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The `type` of the event `POST /webhooks/{id}/test` sends; no endpoint subscribes to it.
pub const TEST_EVENT: &str = "webhook.test";
/// Attempts in one `attempt.*` call at most.
pub const MAX_BATCH: usize = 100;
/// Tries of one delivery in all, before it is given up on.
pub const MAX_TRIES: u32 = 8;
/// How long a receiver may take to answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// An endpoint all of whose tries failed for this long is disabled, and its owner told.
pub const FAILING_FOR: chrono::TimeDelta = chrono::TimeDelta::hours(24);
/// The longest `Retry-After` honoured: a receiver cannot park its deliveries for a week.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 3600);
/// The waits after the 1st, 2nd… failed try, in base waits (5 s each by default).
const WAITS: [u64; MAX_TRIES as usize - 1] = [1, 60, 360, 1_440, 3_600, 7_200, 7_200];
/// The jitter's spread around each wait: ±10 %.
const JITTER: f64 = 0.1;

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)
)]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Waiting for its first try or its next one.
    Pending,
    /// A receiver answered 2xx.
    Delivered,
    /// Given up on: its tries ran out, the receiver answered 410, or the endpoint was disabled.
    Failed,
}

crate::text_enum!(DeliveryState {
    Pending => "pending",
    Delivered => "delivered",
    Failed => "failed",
});

/// What one try came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The receiver answered with this status (a redirect is an answer too: it is not followed).
    Status {
        code: u16,
        /// Its `Retry-After` header, if any, as sent.
        retry_after: Option<String>,
    },
    /// No answer: the connection, the TLS handshake or the timeout failed, or the address was
    /// refused by the SSRF guard.
    Error(String),
}

/// What follows a try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Delivered,
    /// Try again after this long.
    Retry(Duration),
    /// No more tries: they ran out.
    GiveUp,
    /// The receiver answered 410: the endpoint is disabled at once.
    Gone,
}

/// What to do after the `tries`-th try (counting it) got `answer`; `jitter` is a random number in
/// `[0, 1)`, `now` reads an HTTP-date `Retry-After`.
pub fn judge(
    answer: &Answer,
    tries: u32,
    base: Duration,
    jitter: f64,
    now: DateTime<Utc>,
) -> Verdict {
    let asked = match answer {
        Answer::Status { code, .. } if (200..300).contains(code) => return Verdict::Delivered,
        Answer::Status { code: 410, .. } => return Verdict::Gone,
        Answer::Status {
            code: 429 | 503,
            retry_after: Some(value),
        } => parse_retry_after(value, now),
        _ => None,
    };
    match retry_wait(tries, base, jitter) {
        None => Verdict::GiveUp,
        Some(wait) => Verdict::Retry(asked.map_or(wait, |asked| asked.max(wait))),
    }
}

/// The wait after the `tries`-th failed try, or `None` once `MAX_TRIES` are used.
pub fn retry_wait(tries: u32, base: Duration, jitter: f64) -> Option<Duration> {
    let index = usize::try_from(tries.checked_sub(1)?).ok()?;
    let units = *WAITS.get(index)?;
    let factor = 1.0 - JITTER + 2.0 * JITTER * jitter.clamp(0.0, 1.0);
    Some(
        base.saturating_mul(u32::try_from(units).unwrap_or(u32::MAX))
            .mul_f64(factor),
    )
}

/// A `Retry-After` value (RFC 9110: seconds, or an HTTP-date), as a wait from `now`, at most
/// `MAX_RETRY_AFTER`; `None` when it is neither.
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    let wait = if let Ok(secs) = value.parse::<u64>() {
        Duration::from_secs(secs)
    } else {
        let at = DateTime::parse_from_rfc2822(value)
            .ok()?
            .with_timezone(&Utc);
        (at - now).to_std().unwrap_or(Duration::ZERO)
    };
    Some(wait.min(MAX_RETRY_AFTER))
}

/// What a try is kept as: a status code, or the reason there was none.
pub fn describe(answer: &Answer) -> (Option<u16>, Option<String>) {
    match answer {
        Answer::Status { code, .. } => (Some(*code), None),
        Answer::Error(why) => (None, Some(why.clone())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: Duration = Duration::from_secs(5);

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-02T10:00:00Z")
            .expect("a time")
            .with_timezone(&Utc)
    }

    fn status(code: u16) -> Answer {
        Answer::Status {
            code,
            retry_after: None,
        }
    }

    #[test]
    fn any_2xx_is_delivered_and_410_is_gone_while_redirects_and_errors_are_retried() {
        for code in [200, 201, 202, 204, 299] {
            assert_eq!(
                judge(&status(code), 1, BASE, 0.5, now()),
                Verdict::Delivered
            );
        }
        assert_eq!(judge(&status(410), 1, BASE, 0.5, now()), Verdict::Gone);
        for code in [301, 302, 400, 404, 500, 503] {
            assert_eq!(
                judge(&status(code), 1, BASE, 0.5, now()),
                Verdict::Retry(BASE),
                "{code}"
            );
        }
        let error = Answer::Error("connection refused".into());
        assert_eq!(judge(&error, 1, BASE, 0.5, now()), Verdict::Retry(BASE));
    }

    #[test]
    fn eight_tries_span_about_a_day_and_then_it_gives_up() {
        let waits: Vec<Duration> = (1..MAX_TRIES)
            .map(|tries| retry_wait(tries, BASE, 0.5).expect("a wait"))
            .collect();
        assert_eq!(waits[0], Duration::from_secs(5));
        assert_eq!(waits[1], Duration::from_secs(300));
        let total: Duration = waits.iter().sum();
        assert!(
            (Duration::from_secs(20 * 3600)..Duration::from_secs(30 * 3600)).contains(&total),
            "{total:?}"
        );
        assert!(waits.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(retry_wait(MAX_TRIES, BASE, 0.5), None);
        assert_eq!(
            judge(&status(500), MAX_TRIES, BASE, 0.5, now()),
            Verdict::GiveUp
        );
    }

    #[test]
    fn jitter_spreads_a_wait_by_at_most_a_tenth_either_way() {
        let low = retry_wait(2, BASE, 0.0).expect("a wait");
        let high = retry_wait(2, BASE, 0.999_999).expect("a wait");
        assert_eq!(low, Duration::from_secs(270));
        assert!(high > Duration::from_secs(329) && high <= Duration::from_secs(330));
    }

    #[test]
    fn retry_after_on_429_and_503_waits_longer_never_shorter_and_at_most_a_day() {
        let asked = |code, value: &str| Answer::Status {
            code,
            retry_after: Some(value.to_owned()),
        };
        assert_eq!(
            judge(&asked(429, "120"), 1, BASE, 0.5, now()),
            Verdict::Retry(Duration::from_secs(120))
        );
        assert_eq!(
            judge(
                &asked(503, "Wed, 02 Dec 2026 10:10:00 GMT"),
                1,
                BASE,
                0.5,
                now()
            ),
            Verdict::Retry(Duration::from_secs(600))
        );
        // Shorter than the schedule's wait: the schedule's.
        assert_eq!(
            judge(&asked(429, "1"), 2, BASE, 0.5, now()),
            Verdict::Retry(Duration::from_secs(300))
        );
        assert_eq!(
            judge(&asked(429, "99999999"), 1, BASE, 0.5, now()),
            Verdict::Retry(MAX_RETRY_AFTER)
        );
        // Only 429 and 503 are asking; a garbled value is ignored.
        assert_eq!(
            judge(&asked(500, "120"), 1, BASE, 0.5, now()),
            Verdict::Retry(BASE)
        );
        assert_eq!(
            judge(&asked(429, "soon"), 1, BASE, 0.5, now()),
            Verdict::Retry(BASE)
        );
        // A date in the past: no wait beyond the schedule's.
        assert_eq!(
            parse_retry_after("Tue, 01 Dec 2026 10:00:00 GMT", now()),
            Some(Duration::ZERO)
        );
    }
}
