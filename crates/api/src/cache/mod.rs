//! The server cache for statistics and the first pages of lists: Redis when `REDIS_URL` is set
//! (shared by every process), this process's memory otherwise.
//!
//! Correctness comes from version counters, not from deleting entries: every entry belongs to a
//! scope (one owner's data, or everyone's) and records the scope's version when it was computed;
//! a write bumps the versions of what it changed, so older entries are never served again. The
//! entry and its scope's version are read in one round trip. An entry may also end by time (a
//! mailing completes at its end time without any write), and by TTL.
//!
//! Redis is a help, never a dependency: an error or a slow answer sends the request to the
//! database (logged once, counted in `/metrics`), and for a second after that Redis is left
//! alone. Invalidations that could not be written are kept and written first when Redis answers
//! again; until then nothing is read from it.

mod fetched;
mod health;
mod local;
pub mod metrics;
mod redis;
mod store;

use std::collections::BTreeSet;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::NaiveDateTime;
use serde::Serialize;

use self::fetched::StoreError;
pub use self::fetched::StoreError as RedisError;
pub use self::health::Health;
pub use self::local::Local;
pub use self::redis::Redis;
use self::store::Store;

/// What a cached answer depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One owner's clients, messages, mailings, attempts and figures.
    Owner(i64),
    /// Anything of anyone's: the public overview and the managers' views of everyone.
    All,
}

#[derive(Clone)]
pub struct Cache {
    inner: Arc<Inner>,
}

struct Inner {
    /// None: caching is off (a TTL of 0), every answer is computed.
    store: Option<Store>,
    prefix: String,
    ttl: Duration,
    health: Health,
    /// Version bumps not written yet.
    pending: Mutex<BTreeSet<String>>,
}

/// An answer kept with the version it was computed at and the time it holds until.
struct Entry<'a> {
    version: u64,
    valid_until_ms: i64,
    body: &'a [u8],
}

const HEADER: usize = 16;

impl<'a> Entry<'a> {
    fn encode(version: u64, valid_until: Option<NaiveDateTime>, body: &[u8]) -> Vec<u8> {
        let until = valid_until.map_or(i64::MAX, |t| t.and_utc().timestamp_millis());
        let mut bytes = Vec::with_capacity(HEADER + body.len());
        bytes.extend_from_slice(&version.to_le_bytes());
        bytes.extend_from_slice(&until.to_le_bytes());
        bytes.extend_from_slice(body);
        bytes
    }

    fn decode(bytes: &'a [u8]) -> Option<Self> {
        let version = u64::from_le_bytes(bytes.get(0..8)?.try_into().ok()?);
        let valid_until_ms = i64::from_le_bytes(bytes.get(8..16)?.try_into().ok()?);
        Some(Self {
            version,
            valid_until_ms,
            body: bytes.get(HEADER..)?,
        })
    }
}

impl Cache {
    /// Redis at `redis`, or memory; keys start with `prefix`; entries live at most `ttl` (zero
    /// turns caching off).
    pub fn new(redis: Option<Redis>, prefix: &str, ttl: Duration) -> Self {
        let store = match redis {
            _ if ttl.is_zero() => None,
            Some(redis) => Some(Store::Redis(redis)),
            None => Some(Store::Local(Local::new(ttl))),
        };
        Self {
            inner: Arc::new(Inner {
                store,
                prefix: prefix.to_owned(),
                ttl,
                health: Health::default(),
                pending: Mutex::default(),
            }),
        }
    }

    pub fn store_name(&self) -> &'static str {
        self.inner.store.as_ref().map_or("off", Store::name)
    }

    /// Whether every process sees the same entries (Redis), not just this one (memory).
    pub fn is_shared(&self) -> bool {
        matches!(self.inner.store, Some(Store::Redis(_)))
    }

    fn version_key(&self, scope: Scope) -> String {
        match scope {
            Scope::Owner(id) => format!("{}:v:owner:{id}", self.inner.prefix),
            Scope::All => format!("{}:v:all", self.inner.prefix),
        }
    }

    /// The JSON of `compute`'s value for `key` in `scope`, from the cache when it holds a current
    /// one. `compute` gives the value and the time it holds until (if it changes by time alone).
    pub async fn json<T, F, Fut, E>(
        &self,
        scope: Scope,
        key: &str,
        now: NaiveDateTime,
        compute: F,
    ) -> Result<Vec<u8>, E>
    where
        T: Serialize,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(T, Option<NaiveDateTime>), E>>,
        E: From<serde_json::Error>,
    {
        let Some(store) = &self.inner.store else {
            return Ok(serde_json::to_vec(&compute().await?.0)?);
        };
        let entry_key = format!("{}:e:{key}", self.inner.prefix);
        let version_key = self.version_key(scope);
        let name = store.name();
        let version = if self.usable().await {
            match store
                .fetch(&entry_key, std::slice::from_ref(&version_key))
                .await
            {
                Ok(fetched) => {
                    self.worked();
                    let version = fetched.versions.first().copied().unwrap_or(0);
                    let now_ms = now.and_utc().timestamp_millis();
                    if let Some(entry) = fetched.entry.as_deref().and_then(Entry::decode)
                        && entry.version == version
                        && now_ms < entry.valid_until_ms
                    {
                        metrics::lookup(name, "hit");
                        return Ok(entry.body.to_vec());
                    }
                    metrics::lookup(name, "miss");
                    Some(version)
                }
                Err(error) => {
                    self.failed("read", &error);
                    metrics::lookup(name, "bypassed");
                    None
                }
            }
        } else {
            metrics::lookup(name, "bypassed");
            None
        };
        let (value, valid_until) = compute().await?;
        let body = serde_json::to_vec(&value)?;
        // Stored with the version read before computing: a write during the computation bumped
        // it, so this entry is stale from the start and will not be served.
        if let Some(version) = version {
            let bytes = Entry::encode(version, valid_until, &body);
            if let Err(error) = store.put(&entry_key, bytes, self.inner.ttl).await {
                self.failed("write", &error);
            }
        }
        Ok(body)
    }

    /// After a write to these owners' data: their entries and everyone-wide ones are stale.
    pub async fn changed(&self, owners: impl IntoIterator<Item = i64>) {
        let mut keys: BTreeSet<String> = owners
            .into_iter()
            .map(|id| self.version_key(Scope::Owner(id)))
            .collect();
        keys.insert(self.version_key(Scope::All));
        self.bump(keys).await;
    }

    async fn bump(&self, keys: BTreeSet<String>) {
        let Some(store) = &self.inner.store else {
            return;
        };
        let resting = self.inner.health.resting();
        let mut all = {
            let mut pending = self.inner.pending.lock().unwrap_or_else(|e| e.into_inner());
            let mut all = std::mem::take(&mut *pending);
            all.extend(keys);
            all
        };
        if !resting {
            let list: Vec<String> = all.iter().cloned().collect();
            match store.bump(&list).await {
                Ok(()) => {
                    self.worked();
                    all.clear();
                }
                Err(error) => self.failed("invalidate", &error),
            }
        }
        if !all.is_empty() {
            let mut pending = self.inner.pending.lock().unwrap_or_else(|e| e.into_inner());
            pending.extend(all);
        }
    }

    /// Whether reads may use the store now: not resting, and no invalidation left unwritten.
    async fn usable(&self) -> bool {
        if self.inner.health.resting() {
            return false;
        }
        let waiting = !self
            .inner
            .pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty();
        if waiting {
            self.bump(BTreeSet::new()).await;
            return self
                .inner
                .pending
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .is_empty();
        }
        true
    }

    fn worked(&self) {
        if self.inner.health.worked() {
            tracing::info!(
                store = self.store_name(),
                "the cache answers again; using it"
            );
        }
    }

    fn failed(&self, operation: &'static str, error: &StoreError) {
        metrics::error(self.store_name(), operation);
        if self.inner.health.failed() {
            tracing::warn!(
                store = self.store_name(),
                operation,
                %error,
                "the cache failed; answering from the database until it is back"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(seconds, 0)
            .expect("time")
            .naive_utc()
    }

    async fn count_calls(
        cache: &Cache,
        scope: Scope,
        now: NaiveDateTime,
        calls: &mut u32,
    ) -> Vec<u8> {
        cache
            .json(scope, "k", now, || async {
                *calls += 1;
                Ok::<_, serde_json::Error>((*calls, Some(at(100))))
            })
            .await
            .expect("json")
    }

    #[tokio::test]
    async fn an_entry_is_served_until_its_scope_changes_or_its_time_passes() {
        let cache = Cache::new(None, "t", Duration::from_secs(60));
        let mut calls = 0;
        assert_eq!(
            count_calls(&cache, Scope::Owner(1), at(10), &mut calls).await,
            b"1"
        );
        assert_eq!(
            count_calls(&cache, Scope::Owner(1), at(10), &mut calls).await,
            b"1"
        );
        cache.changed([2]).await;
        assert_eq!(
            count_calls(&cache, Scope::Owner(1), at(10), &mut calls).await,
            b"1"
        );
        cache.changed([1]).await;
        assert_eq!(
            count_calls(&cache, Scope::Owner(1), at(10), &mut calls).await,
            b"2"
        );
        assert_eq!(
            count_calls(&cache, Scope::Owner(1), at(100), &mut calls).await,
            b"3"
        );
    }

    #[tokio::test]
    async fn any_owners_change_makes_everyone_wide_entries_stale() {
        let cache = Cache::new(None, "t", Duration::from_secs(60));
        let mut calls = 0;
        count_calls(&cache, Scope::All, at(10), &mut calls).await;
        cache.changed([7]).await;
        assert_eq!(
            count_calls(&cache, Scope::All, at(10), &mut calls).await,
            b"2"
        );
    }

    #[tokio::test]
    async fn a_zero_ttl_turns_caching_off() {
        let cache = Cache::new(None, "t", Duration::ZERO);
        let mut calls = 0;
        count_calls(&cache, Scope::All, at(10), &mut calls).await;
        assert_eq!(
            count_calls(&cache, Scope::All, at(10), &mut calls).await,
            b"2"
        );
    }

    #[test]
    fn a_truncated_entry_is_not_decoded() {
        let bytes = Entry::encode(3, None, b"{}");
        assert!(Entry::decode(&bytes[..10]).is_none());
        let entry = Entry::decode(&bytes).expect("entry");
        assert_eq!((entry.version, entry.body), (3, &b"{}"[..]));
    }
}
