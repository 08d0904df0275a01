//! The counters in this process's memory: the only ones without Redis, and the fallback while
//! Redis fails.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::Limit;

pub struct Memory {
    /// One keyed limiter per limit, at the limit's index.
    limiters: [DefaultKeyedRateLimiter<String>; Limit::ALL.len()],
}

fn limiter(limit: Limit) -> DefaultKeyedRateLimiter<String> {
    let burst = NonZeroU32::new(limit.burst()).unwrap_or(NonZeroU32::MIN);
    let quota = Quota::with_period(limit.period())
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(burst);
    RateLimiter::keyed(quota)
}

impl Default for Memory {
    fn default() -> Self {
        Self {
            limiters: Limit::ALL.map(limiter),
        }
    }
}

impl Memory {
    /// Counts one request against each limit in turn, stopping at the first that refuses;
    /// `Err` holds how long to wait.
    pub fn check(&self, checks: &[(Limit, &str)]) -> Result<(), Duration> {
        let now = DefaultClock::default().now();
        for &(limit, key) in checks {
            self.limiters[limit as usize]
                .check_key(&key.to_owned())
                .map_err(|not_until| not_until.wait_time_from(now))?;
        }
        Ok(())
    }

    /// Forgets keys that are back to full allowance, so memory stays bounded.
    pub fn prune(&self) {
        for limiter in &self.limiters {
            limiter.retain_recent();
        }
    }
}
