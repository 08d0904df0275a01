//! The time as the sending engine sees it: the system clock, or one a test moves by hand so that
//! schedules and retries are checked without sleeping.

use std::sync::Mutex;

use chrono::{NaiveDateTime, SubsecRound, TimeDelta, Utc};

pub trait Clock: Send + Sync + 'static {
    /// Now, in UTC, to the microsecond the databases keep.
    fn now(&self) -> NaiveDateTime;
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> NaiveDateTime {
        Utc::now().naive_utc().trunc_subsecs(6)
    }
}

/// A clock that only moves when told to.
#[derive(Debug)]
pub struct ManualClock(Mutex<NaiveDateTime>);

impl ManualClock {
    pub fn new(at: NaiveDateTime) -> Self {
        Self(Mutex::new(at.trunc_subsecs(6)))
    }

    pub fn set(&self, at: NaiveDateTime) {
        *self.0.lock().expect("clock lock") = at.trunc_subsecs(6);
    }

    pub fn advance(&self, by: TimeDelta) {
        *self.0.lock().expect("clock lock") += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> NaiveDateTime {
        *self.0.lock().expect("clock lock")
    }
}
