//! The in-process cache, without `REDIS_URL`: right for one process (the embedded default).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::fetched::Fetched;

/// Most bytes of entries kept; the least recently used go first.
const CAPACITY_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Clone)]
pub struct Local {
    entries: moka::sync::Cache<String, Arc<[u8]>>,
    /// One counter per scope: a few per user, never evicted (an evicted counter could come back
    /// to a value an old entry still carries).
    versions: Arc<Mutex<HashMap<String, u64>>>,
}

impl Local {
    pub fn new(ttl: Duration) -> Self {
        Self {
            entries: moka::sync::Cache::builder()
                .max_capacity(CAPACITY_BYTES)
                .weigher(|key: &String, value: &Arc<[u8]>| {
                    u32::try_from(key.len() + value.len()).unwrap_or(u32::MAX)
                })
                .time_to_live(ttl)
                .build(),
            versions: Arc::default(),
        }
    }

    pub fn fetch(&self, entry: &str, versions: &[String]) -> Fetched {
        let counters = self.versions.lock().unwrap_or_else(|e| e.into_inner());
        Fetched {
            entry: self.entries.get(entry).map(|value| value.to_vec()),
            versions: versions
                .iter()
                .map(|key| counters.get(key).copied().unwrap_or(0))
                .collect(),
        }
    }

    pub fn put(&self, entry: &str, value: Vec<u8>) {
        self.entries.insert(entry.to_owned(), value.into());
    }

    pub fn bump(&self, versions: &[String]) {
        let mut counters = self.versions.lock().unwrap_or_else(|e| e.into_inner());
        for key in versions {
            *counters.entry(key.clone()).or_insert(0) += 1;
        }
    }
}
