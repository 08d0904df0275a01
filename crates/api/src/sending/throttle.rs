//! Throttling: a global rate, a cap per recipient domain, and a pause that grows while the server
//! asks to slow down (421, 45x, unreachable) and ends at the first success. The cap on concurrent
//! connections is the SMTP pool's size.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

const FIRST_PAUSE: Duration = Duration::from_secs(1);
const LONGEST_PAUSE: Duration = Duration::from_secs(60);
/// Beyond this many idle domains, the idle ones are forgotten.
const KEPT_DOMAINS: usize = 10_000;

pub struct Throttle {
    rate: Option<DefaultDirectRateLimiter>,
    per_domain: usize,
    domains: Mutex<HashMap<String, Arc<Semaphore>>>,
    pause: Mutex<Pause>,
}

#[derive(Default)]
struct Pause {
    until: Option<Instant>,
    next: Option<Duration>,
}

impl Throttle {
    pub fn new(rate: Option<NonZeroU32>, per_domain: usize) -> Self {
        Self {
            rate: rate.map(|r| RateLimiter::direct(Quota::per_second(r))),
            per_domain: per_domain.max(1),
            domains: Mutex::new(HashMap::new()),
            pause: Mutex::new(Pause::default()),
        }
    }

    fn domain(&self, domain: &str) -> Arc<Semaphore> {
        let mut domains = self.domains.lock().expect("throttle lock");
        if domains.len() > KEPT_DOMAINS {
            domains.retain(|_, s| Arc::strong_count(s) > 1);
        }
        domains
            .entry(domain.to_ascii_lowercase())
            .or_insert_with(|| Arc::new(Semaphore::new(self.per_domain)))
            .clone()
    }

    /// Waits until a message to `domain` may go: after any pause, within the domain's cap and the
    /// global rate. The permit holds the domain's slot until dropped.
    pub async fn admit(&self, domain: &str) -> OwnedSemaphorePermit {
        loop {
            let until = self.pause.lock().expect("throttle lock").until;
            match until {
                Some(until) if until > Instant::now() => tokio::time::sleep_until(until).await,
                _ => break,
            }
        }
        let permit = self
            .domain(domain)
            .acquire_owned()
            .await
            .expect("domain semaphores are never closed");
        if let Some(rate) = &self.rate {
            rate.until_ready().await;
        }
        permit
    }

    /// The server asked to slow down: everyone waits, longer each time until a success.
    pub fn slow_down(&self) {
        let mut pause = self.pause.lock().expect("throttle lock");
        let now = Instant::now();
        if pause.until.is_some_and(|until| until > now) {
            return; // one pause per burst, not one per failed message
        }
        let wait = pause.next.unwrap_or(FIRST_PAUSE);
        pause.until = Some(now + wait);
        pause.next = Some((wait * 2).min(LONGEST_PAUSE));
        tracing::warn!(
            pause_secs = wait.as_secs_f32(),
            "the mail server asked to slow down; pausing sending"
        );
    }

    pub fn recovered(&self) {
        let mut pause = self.pause.lock().expect("throttle lock");
        if pause.next.is_some() && pause.until.is_none_or(|u| u <= Instant::now()) {
            *pause = Pause::default();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_slow_down_pauses_everyone_longer_each_time_until_a_success() {
        let throttle = Throttle::new(None, 2);
        let started = Instant::now();
        throttle.slow_down();
        drop(throttle.admit("example.org").await);
        assert_eq!(started.elapsed().as_secs(), 1);
        throttle.slow_down();
        drop(throttle.admit("example.org").await);
        assert_eq!(started.elapsed().as_secs(), 3);
        throttle.recovered();
        throttle.slow_down();
        drop(throttle.admit("example.org").await);
        assert_eq!(started.elapsed().as_secs(), 4);
    }

    #[tokio::test]
    async fn each_domain_has_its_own_cap() {
        let throttle = Throttle::new(None, 1);
        let held = throttle.admit("a.example").await;
        let other = tokio::time::timeout(Duration::from_millis(50), throttle.admit("b.example"));
        assert!(other.await.is_ok(), "another domain is not held up");
        let same = tokio::time::timeout(Duration::from_millis(50), throttle.admit("A.example"));
        assert!(same.await.is_err(), "the same domain waits for its slot");
        drop(held);
    }
}
