//! The counters in Redis, shared by every process that uses the same Redis and `CACHE_PREFIX`.
//!
//! Each limit is a GCRA (the algorithm governor uses in memory, so both allow the same): a key
//! holds the time at which its allowance would be full again, and a request is allowed while that
//! time is less than `burst` periods ahead. One script checks and counts every limit of a request
//! at once, on Redis's clock, so processes on machines whose clocks differ still agree.

use std::sync::LazyLock;
use std::time::Duration;

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

use super::Limit;
use crate::cache::{Redis, RedisError};

/// KEYS: one per limit. ARGV: each limit's burst and period in milliseconds, in the same order.
/// Returns 0 when every limit allowed the request (each counted it), or the milliseconds to wait
/// at the first that refused (the limits before it counted it, as in memory).
const GCRA: &str = r"
-- Writes after TIME need effects replication, which Redis 5 and later always use.
if redis.replicate_commands then redis.replicate_commands() end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
for i, key in ipairs(KEYS) do
  local burst = tonumber(ARGV[2 * i - 1])
  local period = tonumber(ARGV[2 * i])
  local full_at = math.max(tonumber(redis.call('GET', key) or now), now) + period
  local allowed_at = full_at - burst * period
  if allowed_at > now then
    return allowed_at - now
  end
  redis.call('SET', key, full_at, 'PX', full_at - now)
end
return 0
";

static SCRIPT: LazyLock<redis::Script> = LazyLock::new(|| redis::Script::new(GCRA));

#[derive(Clone)]
pub struct Shared {
    redis: Redis,
    prefix: String,
    /// Keys the counters' names, so that they name no address to whoever reads Redis.
    secret: SecretString,
}

impl Shared {
    pub fn new(redis: Redis, prefix: &str, secret: &SecretString) -> Self {
        Self {
            redis,
            prefix: prefix.to_owned(),
            secret: secret.clone(),
        }
    }

    /// The key of one counter: an HMAC of the address, not the address (an IPv4 address or an
    /// email address is found again from its plain hash by trying them all).
    fn key(&self, limit: Limit, value: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(self.secret.expose_secret().as_bytes())
            .expect("HMAC takes a key of any length");
        mac.update(b"mailroom-rate-limit:");
        mac.update(limit.name().as_bytes());
        mac.update(b":");
        mac.update(value.as_bytes());
        let digest = mac.finalize().into_bytes();
        format!(
            "{}:limit:{}:{}",
            self.prefix,
            limit.name(),
            hex::encode(&digest[..16])
        )
    }

    /// As `Memory::check`; the outer `Err` when Redis did not answer.
    pub async fn check(
        &self,
        checks: &[(Limit, &str)],
    ) -> Result<Result<(), Duration>, RedisError> {
        let keys: Vec<String> = checks
            .iter()
            .map(|&(limit, value)| self.key(limit, value))
            .collect();
        let args: Vec<u64> = checks
            .iter()
            .flat_map(|&(limit, _)| {
                let period = u64::try_from(limit.period().as_millis()).unwrap_or(u64::MAX);
                [u64::from(limit.burst()), period]
            })
            .collect();
        let wait_ms: u64 = self.redis.script(&SCRIPT, &keys, &args).await?;
        Ok(if wait_ms == 0 {
            Ok(())
        } else {
            Err(Duration::from_millis(wait_ms))
        })
    }
}
