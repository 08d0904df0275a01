//! Queueing a run's audience: in batches of clients in id order, each batch a write transaction
//! of its own under the mailing's lock, so that a million clients are queued in seconds without
//! one transaction holding the owner's clients (or SQLite's write lock) for all of them, and
//! workers send the first batches while the rest are queued. Whoever creates a run queues it to
//! the end; a run a crash left half-queued is queued on by the next scheduler tick of any
//! process, and two processes queueing one run take turns on its mailing's lock, each batch
//! going on from where the one before stopped.

use chrono::NaiveDateTime;

use super::mailing;
use crate::db::queries::audiences;
use crate::db::queries::runs::{self, Batch, Queued};
use crate::db::rows::RunRow;
use crate::db::{DbConnection, DbError, write_transaction};
use crate::webhooks::outbox;

/// Clients per batch: a PostgreSQL batch of them takes about 50 ms, so the owner's other writes
/// wait no longer than that for a run being queued.
pub const BATCH: i64 = 10_000;

/// Queues the rest of the run's audience, `batch` clients at a time; the run as it is then, or
/// none when it is gone (its mailing was deleted).
pub fn queue(
    conn: &mut DbConnection,
    run_id: i64,
    batch: i64,
    now: NaiveDateTime,
) -> Result<Option<RunRow>, DbError> {
    let mut queued = 0;
    let mut fresh = false;
    loop {
        let next = queue_batch(conn, run_id, batch, now)?;
        queued += next.deliveries;
        // Once, as soon as the run is big: workers claim from the first batch on.
        if !fresh && queued >= runs::FRESH_STATISTICS_FROM {
            // Best effort: a planner with older figures is slower, not wrong.
            if let Err(error) = runs::refresh_statistics(conn) {
                tracing::warn!(run = run_id, %error, "statistics not refreshed for a big run");
            }
            fresh = true;
        }
        if next.queued == Queued::All {
            return Ok(runs::find(conn, run_id)?);
        }
    }
}

/// Queues the run's next `batch` clients, in a write transaction of its own. A run that was
/// cancelled, or whose mailing may no longer send, is queued no further and ends with what it
/// has; the last batch finishes a run that has nothing left to send.
pub fn queue_batch(
    conn: &mut DbConnection,
    run_id: i64,
    batch: i64,
    now: NaiveDateTime,
) -> Result<Batch, DbError> {
    write_transaction::<_, DbError, _>(conn, |conn| {
        let Some(mailing_id) = runs::find(conn, run_id)?.map(|r| r.mailing_id) else {
            return Ok(Batch::NONE);
        };
        // The order every writer of the mailing's runs takes: its owner, the mailing, then the
        // run's deliveries and the run.
        let Some(mailing) = mailing::lock(conn, mailing_id)? else {
            return Ok(Batch::NONE);
        };
        // Read again under the lock: another process may have queued a batch meanwhile.
        let Some(run) = runs::find(conn, run_id)?.filter(|r| r.queued_up_to.is_some()) else {
            return Ok(Batch::NONE);
        };
        let refusal = mailing::refusal(conn, &mailing, now)?;
        if let Some(refusal) = &refusal {
            tracing::info!(mailing = mailing.id, run = run.id, reason = %refusal, "queueing stopped");
        }
        if refusal.is_some() || run.cancelled_at.is_some() {
            runs::stop_queueing(conn, run.id, now)?;
            outbox::runs_finished(conn, &[run.id], now)?;
            return Ok(Batch::NONE);
        }
        let audience = audiences::of(conn, &mailing)?;
        let next = runs::queue_next(conn, &run, &audience, batch, now)?;
        if next.queued == Queued::All {
            runs::finish_queued(conn, run.id, now)?;
            outbox::run_started(conn, run.id, now)?;
            outbox::runs_finished(conn, &[run.id], now)?;
        }
        Ok(next)
    })
}
