//! Whether Redis is worth asking now: after a failure it is left alone for a moment, so a Redis
//! that hangs costs one timeout a second rather than one per request. Its users log on the
//! change (failing, answering again), not per request.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long Redis is left alone after it failed.
const BACKOFF: Duration = Duration::from_secs(1);

pub struct Health {
    /// Redis is skipped until then.
    resting_until: Mutex<Option<Instant>>,
    /// Whether the last operation worked.
    healthy: AtomicBool,
}

impl Default for Health {
    fn default() -> Self {
        Self {
            resting_until: Mutex::new(None),
            healthy: AtomicBool::new(true),
        }
    }
}

impl Health {
    /// Whether Redis is being left alone after a failure.
    pub fn resting(&self) -> bool {
        let mut until = self.resting_until.lock().unwrap_or_else(|e| e.into_inner());
        match *until {
            Some(at) if Instant::now() < at => true,
            Some(_) => {
                *until = None;
                false
            }
            None => false,
        }
    }

    /// Records a success; true when the one before it had failed (time to say it is back).
    pub fn worked(&self) -> bool {
        !self.healthy.swap(true, Ordering::Relaxed)
    }

    /// Records a failure and rests; true when the one before it had worked (time to warn).
    pub fn failed(&self) -> bool {
        *self.resting_until.lock().unwrap_or_else(|e| e.into_inner()) =
            Some(Instant::now() + BACKOFF);
        self.healthy.swap(false, Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_rests_and_is_reported_once_until_something_works() {
        let health = Health::default();
        assert!(!health.resting());
        assert!(health.failed(), "the first failure is news");
        assert!(!health.failed(), "the second is not");
        assert!(health.resting());
        assert!(health.worked(), "working again is news");
        assert!(!health.worked());
    }
}
