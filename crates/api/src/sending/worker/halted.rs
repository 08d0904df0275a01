//! Whether the runs of the batch a worker is sending were paused or cancelled since it claimed
//! them: what it has not begun of those goes back unsent.

use std::time::{Duration, Instant};

use crate::db::queries::deliveries;
use crate::db::{DbError, DbPool, blocking};

/// How often a worker sending a batch asks.
const CHECK_EVERY: Duration = Duration::from_secs(1);

/// The held runs of a batch as last read.
#[derive(Default)]
pub struct Halted {
    runs: Vec<i64>,
    read_at: Option<Instant>,
}

impl Halted {
    /// The held runs among `batch_runs`, read again when the last answer is a second old.
    pub async fn of(&mut self, pool: &DbPool, batch_runs: &[i64]) -> &[i64] {
        if self.read_at.is_none_or(|at| at.elapsed() >= CHECK_EVERY) {
            let run_ids = batch_runs.to_vec();
            let read = blocking(pool, move |conn| {
                Ok::<_, DbError>(deliveries::held_of(conn, &run_ids)?)
            })
            .await;
            match read {
                Ok(runs) => self.runs = runs,
                // Unknown for now: keep sending as before, and ask again at the next check.
                Err(error) => tracing::warn!(%error, "cannot read whether runs were paused"),
            }
            self.read_at = Some(Instant::now());
        }
        &self.runs
    }
}
