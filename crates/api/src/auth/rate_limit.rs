//! Throttles the endpoints that guess passwords or send mail, per client address and per email
//! address, so neither one attacker nor many can hammer one account or flood an inbox.
//!
//! The counters live in the process: with several API processes each enforces its own share.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// One limit: `burst` requests at once, then one more every `period`.
fn limiter(burst: u32, period: Duration) -> DefaultKeyedRateLimiter<String> {
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    let quota = Quota::with_period(period)
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(burst);
    RateLimiter::keyed(quota)
}

pub struct AuthRateLimits {
    login_per_ip: DefaultKeyedRateLimiter<String>,
    login_per_email: DefaultKeyedRateLimiter<String>,
    mail_per_ip: DefaultKeyedRateLimiter<String>,
    mail_per_email: DefaultKeyedRateLimiter<String>,
}

/// Which kind of request is being counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Sign-in: each try checks a password.
    Login,
    /// Registration, a new confirmation link, a password reset: each may send a mail.
    Mail,
}

impl Default for AuthRateLimits {
    fn default() -> Self {
        Self {
            login_per_ip: limiter(20, Duration::from_secs(3)),
            login_per_email: limiter(5, Duration::from_secs(60)),
            mail_per_ip: limiter(10, Duration::from_secs(30)),
            mail_per_email: limiter(3, Duration::from_secs(10 * 60)),
        }
    }
}

impl AuthRateLimits {
    /// Counts one request; `Err` holds how long to wait before the next one is allowed.
    pub fn check(&self, action: Action, ip: &str, email: &str) -> Result<(), Duration> {
        let (per_ip, per_email) = match action {
            Action::Login => (&self.login_per_ip, &self.login_per_email),
            Action::Mail => (&self.mail_per_ip, &self.mail_per_email),
        };
        let now = DefaultClock::default().now();
        per_ip
            .check_key(&ip.to_owned())
            .map_err(|not_until| not_until.wait_time_from(now))?;
        per_email
            .check_key(&email.trim().to_lowercase())
            .map_err(|not_until| not_until.wait_time_from(now))
    }

    /// Forgets keys that are back to full allowance, so memory stays bounded.
    pub fn prune(&self) {
        for limiter in [
            &self.login_per_ip,
            &self.login_per_email,
            &self.mail_per_ip,
            &self.mail_per_email,
        ] {
            limiter.retain_recent();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixth_sign_in_to_one_address_within_a_minute_waits() {
        let limits = AuthRateLimits::default();
        for i in 0..5 {
            assert!(
                limits
                    .check(Action::Login, &format!("10.0.0.{i}"), "ann@example.org")
                    .is_ok()
            );
        }
        let wait = limits
            .check(Action::Login, "10.0.0.9", "ANN@example.org")
            .expect_err("limited whatever the case of the address");
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(60),
            "{wait:?}"
        );
    }

    #[test]
    fn one_address_being_limited_leaves_others_alone() {
        let limits = AuthRateLimits::default();
        for _ in 0..3 {
            assert!(
                limits
                    .check(Action::Mail, "10.0.0.1", "ann@example.org")
                    .is_ok()
            );
        }
        assert!(
            limits
                .check(Action::Mail, "10.0.0.1", "ann@example.org")
                .is_err()
        );
        assert!(
            limits
                .check(Action::Mail, "10.0.0.1", "bob@example.org")
                .is_ok()
        );
        assert!(
            limits
                .check(Action::Login, "10.0.0.1", "ann@example.org")
                .is_ok()
        );
    }
}
