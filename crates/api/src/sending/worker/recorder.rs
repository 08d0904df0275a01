//! The recorder: commits outcomes in groups, one group at a time; a permit is released only once
//! its outcome is committed. Outcomes arriving during a commit wait in the channel and form the
//! next group, so groups grow with the load. (Two groups committing at once were tried: more work
//! for PostgreSQL, which then waits on the runs' rows, for no more messages per second.) A commit
//! the database refused is retried, never dropped: the database may be restarting. A commit that
//! panicked would panic again: the recorder stops, and with it the worker.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, mpsc};
use tokio::time::Instant;

use super::leases::Held;
use crate::bounces::{self, BounceRules};
use crate::cache::Cache;
use crate::clock::Clock;
use crate::db::queries::deliveries::{self, Outcome};
use crate::db::{DbError, DbPool, blocking, write_transaction};
use crate::webhooks;
use mailroom_domain::wire::AttemptData;

/// Outcomes committed together at most.
const RECORD_BATCH: usize = 1_000;
/// How long the recorder waits for more outcomes before committing what it has.
const GROUP_COMMIT_WAIT: Duration = Duration::from_millis(5);

/// A delivery's fate as the recorder sees it.
pub enum Record {
    /// Recorded; the owner's cached figures change with it.
    Done {
        outcome: Outcome,
        owner: Option<i64>,
        /// The attempt as webhooks tell it, when a try was made.
        event: Option<AttemptData>,
    },
    /// Not sent (the worker is stopping): give it back.
    Release { id: i64, lease: i64 },
}

impl Record {
    fn delivery_id(&self) -> i64 {
        match self {
            Record::Done { outcome, .. } => outcome.delivery_id,
            Record::Release { id, .. } => *id,
        }
    }
}

/// What the recorder is sent: a record, with the in-flight permit it frees once committed.
pub type Inbox = mpsc::UnboundedReceiver<(Record, Option<OwnedSemaphorePermit>)>;

pub async fn record_loop(
    pool: DbPool,
    cache: Cache,
    clock: Arc<dyn Clock>,
    mut inbox: Inbox,
    held: Held,
    rules: BounceRules,
) -> Result<(), String> {
    while let Some(first) = inbox.recv().await {
        let mut batch = vec![first];
        let deadline = Instant::now() + GROUP_COMMIT_WAIT;
        while batch.len() < RECORD_BATCH {
            match tokio::time::timeout_at(deadline, inbox.recv()).await {
                Ok(Some(item)) => batch.push(item),
                _ => break,
            }
        }
        commit(&pool, &cache, clock.as_ref(), &held, rules, batch).await?;
    }
    Ok(())
}

async fn commit(
    pool: &DbPool,
    cache: &Cache,
    clock: &dyn Clock,
    held: &Held,
    rules: BounceRules,
    mut batch: Vec<(Record, Option<OwnedSemaphorePermit>)>,
) -> Result<(), String> {
    let mut outcomes = Vec::new();
    let mut owners = BTreeSet::new();
    let mut releases: HashMap<i64, Vec<i64>> = HashMap::new();
    // Hard bounces: few, and suppressed in the same transaction as their attempts.
    let mut refusals = Vec::new();
    let mut events = Vec::new();
    for (record, _) in &mut batch {
        match record {
            Record::Done {
                outcome,
                owner,
                event,
            } => {
                outcomes.push(outcome.clone());
                owners.extend(*owner);
                // Taken, not copied: the records stay only for their permits and ids.
                if let (Some(owner), Some(event)) = (*owner, event.take()) {
                    events.push((owner, event));
                }
                if let (true, Some(attempt)) = (outcome.hard_bounce, &outcome.attempt) {
                    refusals.push((outcome.delivery_id, attempt.response.clone()));
                }
            }
            Record::Release { id, lease } => releases.entry(*lease).or_default().push(*id),
        }
    }
    // Shared by the tries of this commit rather than copied into each.
    let events = std::sync::Arc::new(events);
    let mut wait = Duration::from_millis(100);
    loop {
        let now = clock.now();
        let (outcomes, releases) = (outcomes.clone(), releases.clone());
        let refusals = refusals.clone();
        let events = events.clone();
        let owner_ids: Vec<i64> = owners.iter().copied().collect();
        let result = blocking(pool, move |conn| {
            // Lets a test see what a worker does when its recorder dies.
            fail::fail_point!("worker::record");
            // The webhook events in the same transaction: they exist exactly when the attempts do.
            write_transaction::<_, DbError, _>(conn, |conn| {
                deliveries::record(conn, &outcomes, now)?;
                if !refusals.is_empty() {
                    // In a savepoint of its own: a failure here must not keep the attempts (and
                    // the rest of the worker) waiting; it is logged with what it lost.
                    let suppressed = write_transaction::<_, DbError, _>(conn, |conn| {
                        bounces::refused(conn, rules, &refusals, now)
                    });
                    if let Err(error) = suppressed {
                        tracing::error!(%error, refused = ?refusals, "hard bounces not recorded");
                    }
                }
                let ids: Vec<i64> = outcomes.iter().map(|o| o.delivery_id).collect();
                webhooks::outbox::recorded(conn, &owner_ids, &events, &ids, now)?;
                Ok(())
            })?;
            for (lease, ids) in &releases {
                deliveries::release(conn, *lease, ids)?;
            }
            Ok::<_, DbError>(())
        })
        .await;
        match result {
            Ok(()) => break,
            Err(DbError::Task(why)) => {
                return Err(format!("recording outcomes failed: {why}"));
            }
            Err(error) => {
                tracing::error!(%error, "cannot record delivery outcomes; retrying");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(5));
            }
        }
    }
    cache.changed(owners).await;
    held.remove(batch.iter().map(|(record, _)| record.delivery_id()));
    // Dropping the batch releases its permits: the next deliveries may go.
    Ok(())
}
