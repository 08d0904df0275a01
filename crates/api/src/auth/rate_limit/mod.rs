//! Throttles the endpoints that guess passwords or send mail, per client address and per email
//! address, so neither one attacker nor many can hammer one account or flood an inbox.
//!
//! With `REDIS_URL` the counters live in Redis (under `CACHE_PREFIX`), so any number of API
//! processes enforce one limit between them. Without it, or while Redis fails, each process counts
//! in its own memory: a failing Redis makes the limits looser by the number of processes for a
//! while, never absent, and never turns a sign-in into an error.

mod memory;
mod shared;

use std::time::Duration;

use secrecy::SecretString;

use self::memory::Memory;
use self::shared::Shared;
use crate::cache::{Health, Redis, RedisError};

/// One limit: `burst` requests at once, then one more every `period`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    LoginPerIp,
    LoginPerEmail,
    MailPerIp,
    MailPerEmail,
}

impl Limit {
    /// Every limit, each at its index (`limit as usize`).
    pub const ALL: [Limit; 4] = [
        Limit::LoginPerIp,
        Limit::LoginPerEmail,
        Limit::MailPerIp,
        Limit::MailPerEmail,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Limit::LoginPerIp => "login-ip",
            Limit::LoginPerEmail => "login-email",
            Limit::MailPerIp => "mail-ip",
            Limit::MailPerEmail => "mail-email",
        }
    }

    pub fn burst(self) -> u32 {
        match self {
            Limit::LoginPerIp => 20,
            Limit::LoginPerEmail => 5,
            Limit::MailPerIp => 10,
            Limit::MailPerEmail => 3,
        }
    }

    pub fn period(self) -> Duration {
        match self {
            Limit::LoginPerIp => Duration::from_secs(3),
            Limit::LoginPerEmail => Duration::from_secs(60),
            Limit::MailPerIp => Duration::from_secs(30),
            Limit::MailPerEmail => Duration::from_secs(10 * 60),
        }
    }
}

/// Which kind of request is being counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Sign-in, or a password change: each try checks a password.
    Login,
    /// Registration, a new confirmation link, a password reset: each may send a mail.
    Mail,
}

impl Action {
    /// The limit per client address, then the one per email address.
    fn limits(self) -> [Limit; 2] {
        match self {
            Action::Login => [Limit::LoginPerIp, Limit::LoginPerEmail],
            Action::Mail => [Limit::MailPerIp, Limit::MailPerEmail],
        }
    }
}

pub struct AuthRateLimits {
    shared: Option<Shared>,
    health: Health,
    memory: Memory,
}

impl AuthRateLimits {
    /// Counters in Redis when there is one (named with `secret`), in memory otherwise.
    pub fn new(redis: Option<Redis>, prefix: &str, secret: &SecretString) -> Self {
        Self {
            shared: redis.map(|redis| Shared::new(redis, prefix, secret)),
            health: Health::default(),
            memory: Memory::default(),
        }
    }

    /// Where the counters are: "redis" or "memory".
    pub fn store_name(&self) -> &'static str {
        if self.shared.is_some() {
            "redis"
        } else {
            "memory"
        }
    }

    /// Counts one request; `Err` holds how long to wait before the next one is allowed.
    pub async fn check(&self, action: Action, ip: &str, email: &str) -> Result<(), Duration> {
        let email = email.trim().to_lowercase();
        let [per_ip, per_email] = action.limits();
        let checks = [(per_ip, ip), (per_email, email.as_str())];
        if let Some(shared) = &self.shared
            && !self.health.resting()
        {
            match shared.check(&checks).await {
                Ok(answer) => {
                    if self.health.worked() {
                        tracing::info!("Redis answers again; the sign-in and mail limits use it");
                    }
                    return answer;
                }
                Err(error) => self.failed(&error),
            }
        }
        self.memory.check(&checks)
    }

    fn failed(&self, error: &RedisError) {
        if self.health.failed() {
            tracing::warn!(
                %error,
                "Redis failed; the sign-in and mail limits count in this process until it is back"
            );
        }
    }

    /// Forgets memory counters that are back to full allowance, so memory stays bounded.
    pub fn prune(&self) {
        self.memory.prune();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_sixth_sign_in_to_one_address_within_a_minute_waits() {
        let limits = AuthRateLimits::new(None, "t", &SecretString::from("k"));
        for i in 0..5 {
            let ip = format!("10.0.0.{i}");
            assert!(
                limits
                    .check(Action::Login, &ip, "ann@example.org")
                    .await
                    .is_ok()
            );
        }
        let wait = limits
            .check(Action::Login, "10.0.0.9", " ANN@example.org")
            .await
            .expect_err("limited whatever the case of the address");
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(60),
            "{wait:?}"
        );
    }

    #[tokio::test]
    async fn one_address_being_limited_leaves_others_alone() {
        let limits = AuthRateLimits::new(None, "t", &SecretString::from("k"));
        let check = |action, email: &'static str| limits.check(action, "10.0.0.1", email);
        for _ in 0..3 {
            assert!(check(Action::Mail, "ann@example.org").await.is_ok());
        }
        assert!(check(Action::Mail, "ann@example.org").await.is_err());
        assert!(check(Action::Mail, "bob@example.org").await.is_ok());
        assert!(check(Action::Login, "ann@example.org").await.is_ok());
    }

    #[tokio::test]
    async fn an_unreachable_redis_leaves_the_limits_in_memory() {
        // Nothing listens on port 1: every Redis call fails at once.
        let redis = Redis::open("redis://127.0.0.1:1", Duration::from_millis(200)).expect("URL");
        let limits = AuthRateLimits::new(Some(redis), "t", &SecretString::from("k"));
        for _ in 0..3 {
            assert!(
                limits
                    .check(Action::Mail, "10.0.0.1", "ann@example.org")
                    .await
                    .is_ok()
            );
        }
        assert!(
            limits
                .check(Action::Mail, "10.0.0.1", "ann@example.org")
                .await
                .is_err(),
            "still limited"
        );
    }
}
