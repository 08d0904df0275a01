//! Whether the runs of the batch a worker is sending were paused or cancelled since it claimed
//! them: what it has not begun of those goes back unsent. Asked before a delivery takes a permit
//! and again once the throttle lets it go, since a throttled delivery may wait many seconds.

use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use crate::db::queries::deliveries;
use crate::db::{DbError, DbPool, blocking};

/// How often a worker sending a batch asks.
const CHECK_EVERY: Duration = Duration::from_secs(1);

/// The held runs of one batch, as last read; shared by the batch's sends, which ask the database
/// at most once a second between them.
pub struct Halted {
    pool: DbPool,
    batch_runs: Vec<i64>,
    last: Mutex<Read>,
}

#[derive(Default)]
struct Read {
    held: Vec<i64>,
    at: Option<Instant>,
}

impl Halted {
    pub fn new(pool: DbPool, batch_runs: Vec<i64>) -> Self {
        Self {
            pool,
            batch_runs,
            last: Mutex::new(Read::default()),
        }
    }

    /// Whether the run is held, read again when the last answer is a second old.
    pub async fn holds(&self, run_id: i64) -> bool {
        let mut last = self.last.lock().await;
        if last.at.is_none_or(|at| at.elapsed() >= CHECK_EVERY) {
            let run_ids = self.batch_runs.clone();
            let read = blocking(&self.pool, move |conn| {
                Ok::<_, DbError>(deliveries::held_of(conn, &run_ids)?)
            })
            .await;
            match read {
                Ok(held) => last.held = held,
                // Unknown for now: keep sending as before, and ask again at the next check.
                Err(error) => tracing::warn!(%error, "cannot read whether runs were paused"),
            }
            last.at = Some(Instant::now());
        }
        last.held.contains(&run_id)
    }
}
