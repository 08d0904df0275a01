//! A run: one sending of a mailing to its clients, and how far it got.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::delivery::RunTrigger;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Run {
    pub id: i64,
    pub mailing_id: i64,
    pub trigger: RunTrigger,
    /// Deliveries queued: one per client that had not unsubscribed.
    pub total: u64,
    pub sent: u64,
    pub failed: u64,
    /// Stopped before sending: the mailing was disabled, its owner blocked, or it ended.
    pub cancelled: u64,
    /// Not sent: the address was on the owner's suppression list when the run was queued, or
    /// went on it before its turn came.
    pub suppressed: u64,
    /// Still to be sent or retried; `total = sent + failed + cancelled + suppressed + pending`.
    pub pending: u64,
    /// Clients left out because they had unsubscribed.
    pub skipped: u64,
    pub created_at: DateTime<Utc>,
    /// When the first delivery was tried.
    pub started_at: Option<DateTime<Utc>>,
    /// When the last delivery reached its final state.
    pub finished_at: Option<DateTime<Utc>>,
    /// Set while the run is paused: its queued deliveries wait until it is resumed.
    pub paused_at: Option<DateTime<Utc>>,
}

/// How a run went, in one word for its badge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunOutcome {
    /// Still sending, this far (percent).
    Sending(u64),
    /// Paused this far (percent) by its owner.
    Paused(u64),
    /// Over, and every delivery tried was accepted.
    Delivered,
    /// Over, with this many refused among others accepted.
    SomeFailed(u64),
    /// Over, and every delivery tried was refused.
    AllFailed,
    /// Over before everything was tried: disabled, its owner blocked, or it ended.
    Stopped,
    /// Over with nothing sent: every address was on the suppression list.
    AllSuppressed,
}

impl Run {
    pub fn outcome(&self) -> RunOutcome {
        if !self.is_finished() && self.paused_at.is_some() {
            RunOutcome::Paused(self.percent_done())
        } else if !self.is_finished() {
            RunOutcome::Sending(self.percent_done())
        } else if self.cancelled > 0 {
            RunOutcome::Stopped
        } else if self.sent == 0 && self.failed == 0 && self.suppressed > 0 {
            RunOutcome::AllSuppressed
        } else if self.failed > 0 && self.sent == 0 {
            RunOutcome::AllFailed
        } else if self.failed > 0 {
            RunOutcome::SomeFailed(self.failed)
        } else {
            RunOutcome::Delivered
        }
    }

    /// Nothing of it is left to send, and its end is recorded.
    pub fn is_finished(&self) -> bool {
        self.pending == 0 && self.finished_at.is_some()
    }

    /// The part that is over, in whole percent (a run of nobody is done once it finished).
    pub fn percent_done(&self) -> u64 {
        let done = self.total.saturating_sub(self.pending);
        (done * 100)
            .checked_div(self.total)
            .unwrap_or(if self.is_finished() { 100 } else { 0 })
    }

    /// Delivered, of what was tried, in whole percent; none before any outcome.
    pub fn delivered_percent(&self) -> Option<u64> {
        (self.sent * 100).checked_div(self.sent + self.failed)
    }
}

/// The answer to an unsubscribe link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Unsubscribed {
    /// The address that will get no more mail from this sender.
    pub email: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(total: u64, sent: u64, failed: u64, pending: u64, finished: bool) -> Run {
        let at = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).expect("a time");
        Run {
            id: 1,
            mailing_id: 1,
            trigger: RunTrigger::Manual,
            total,
            sent,
            failed,
            cancelled: total - sent - failed - pending,
            suppressed: 0,
            pending,
            skipped: 0,
            created_at: at,
            started_at: Some(at),
            finished_at: finished.then_some(at),
            paused_at: None,
        }
    }

    #[test]
    fn a_paused_run_says_how_far_it_got_and_a_finished_one_is_no_longer_paused() {
        let at = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).expect("a time");
        let mut r = run(10, 4, 0, 6, false);
        r.paused_at = Some(at);
        assert_eq!(r.outcome(), RunOutcome::Paused(40));
        let mut done = run(10, 10, 0, 0, true);
        done.paused_at = Some(at);
        assert_eq!(done.outcome(), RunOutcome::Delivered);
    }

    #[test]
    fn a_run_halfway_through_is_half_done_and_not_finished() {
        let r = run(200, 90, 10, 100, false);
        assert_eq!(r.percent_done(), 50);
        assert!(!r.is_finished());
        assert_eq!(r.delivered_percent(), Some(90));
    }

    #[test]
    fn a_run_without_pending_deliveries_is_finished_only_once_its_end_is_recorded() {
        assert!(!run(2, 1, 1, 0, false).is_finished());
        assert!(run(2, 1, 1, 0, true).is_finished());
        assert_eq!(run(2, 1, 1, 0, true).percent_done(), 100);
    }

    #[test]
    fn a_run_to_nobody_is_done_when_finished_and_has_no_delivery_rate() {
        assert_eq!(run(0, 0, 0, 0, true).percent_done(), 100);
        assert_eq!(run(0, 0, 0, 0, false).percent_done(), 0);
        assert_eq!(run(0, 0, 0, 0, true).delivered_percent(), None);
    }

    #[test]
    fn a_run_tells_whether_it_is_sending_delivered_partly_failed_failed_or_stopped() {
        assert_eq!(run(4, 1, 1, 2, false).outcome(), RunOutcome::Sending(50));
        assert_eq!(run(4, 4, 0, 0, true).outcome(), RunOutcome::Delivered);
        assert_eq!(run(4, 3, 1, 0, true).outcome(), RunOutcome::SomeFailed(1));
        assert_eq!(run(4, 0, 4, 0, true).outcome(), RunOutcome::AllFailed);
        assert_eq!(run(4, 3, 0, 0, true).outcome(), RunOutcome::Stopped);
        assert_eq!(run(0, 0, 0, 0, true).outcome(), RunOutcome::Delivered);
    }

    #[test]
    fn a_run_whose_every_address_was_suppressed_says_so_and_one_with_some_delivered_did_deliver() {
        let mut all = run(3, 0, 0, 0, true);
        all.cancelled = 0;
        all.suppressed = 3;
        assert_eq!(all.outcome(), RunOutcome::AllSuppressed);
        assert_eq!(all.percent_done(), 100);
        let mut some = run(3, 1, 0, 0, true);
        some.cancelled = 0;
        some.suppressed = 2;
        assert_eq!(some.outcome(), RunOutcome::Delivered);
        let mut refused = run(3, 0, 1, 0, true);
        refused.cancelled = 0;
        refused.suppressed = 2;
        assert_eq!(refused.outcome(), RunOutcome::AllFailed);
    }

    #[test]
    fn cancelled_deliveries_count_as_done_but_not_as_tried() {
        let r = run(10, 4, 0, 0, true);
        assert_eq!(r.cancelled, 6);
        assert_eq!(r.percent_done(), 100);
        assert_eq!(r.delivered_percent(), Some(100));
    }
}
