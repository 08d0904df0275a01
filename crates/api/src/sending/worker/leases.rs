//! The deliveries a worker holds (claimed, outcome not yet committed) with their claims' tokens,
//! and the task that keeps those leases from running out while they wait (a slow server, a long
//! pause).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use super::delta;
use crate::clock::Clock;
use crate::db::queries::deliveries;
use crate::db::{DbError, DbPool, blocking};

/// Delivery id → the token of the claim that holds it.
#[derive(Clone, Default)]
pub struct Held(Arc<Mutex<HashMap<i64, i64>>>);

impl Held {
    // A task that panicked while holding the lock leaves the map as it was: still right.
    fn map(&self) -> MutexGuard<'_, HashMap<i64, i64>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn insert(&self, ids: impl IntoIterator<Item = i64>, lease: i64) {
        let mut map = self.map();
        for id in ids {
            map.insert(id, lease);
        }
    }

    pub fn remove(&self, ids: impl IntoIterator<Item = i64>) {
        let mut map = self.map();
        for id in ids {
            map.remove(&id);
        }
    }

    /// The token of the claim holding `id` (0, which no claim uses, when none does).
    pub fn lease_of(&self, id: i64) -> i64 {
        self.map().get(&id).copied().unwrap_or_default()
    }

    fn by_lease(&self) -> HashMap<i64, Vec<i64>> {
        let mut by_lease: HashMap<i64, Vec<i64>> = HashMap::new();
        for (&id, &lease) in self.map().iter() {
            by_lease.entry(lease).or_default().push(id);
        }
        by_lease
    }
}

/// Renews, every third of a lease, the leases of what is still held.
pub async fn renew_loop(pool: DbPool, clock: Arc<dyn Clock>, held: Held, lease: Duration) {
    let mut every = tokio::time::interval(lease / 3);
    every.tick().await;
    loop {
        every.tick().await;
        let by_lease = held.by_lease();
        if by_lease.is_empty() {
            continue;
        }
        let until = clock.now() + delta(lease);
        let result = blocking(&pool, move |conn| {
            for (l, ids) in &by_lease {
                for chunk in ids.chunks(5_000) {
                    deliveries::renew(conn, *l, chunk, until)?;
                }
            }
            Ok::<_, DbError>(())
        })
        .await;
        if let Err(error) = result {
            tracing::warn!(%error, "cannot renew delivery leases");
        }
    }
}
