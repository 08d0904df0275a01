//! A worker: claims due deliveries in batches (here), sends them concurrently within the throttle
//! (`send.rs`), records the outcomes in group commits (`recorder.rs`) and keeps its leases alive
//! while it holds them (`leases.rs`).
//!
//! A delivery holds one of `concurrency` permits from just before it is sent until its outcome is
//! committed, so a worker killed at any moment leaves at most `concurrency` mails sent but not
//! recorded: those, and only those, are sent again when their lease runs out. A worker whose
//! recorder dies stops claiming at once for the same reason: what it sent could not be recorded.

mod halted;
mod leases;
mod recorder;
mod send;
mod stats;
mod suppressed;

use std::collections::{HashMap, HashSet};
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use futures_util::FutureExt;
use mailroom_domain::delivery::RetryPolicy;
use rand::Rng;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};
use tokio_util::sync::CancellationToken;

pub use stats::WorkerStats;

use super::compose::{Composer, RunMail};
use super::throttle::Throttle;
use crate::bounces::BounceRules;
use crate::cache::Cache;
use crate::clock::Clock;
use crate::db::queries::deliveries::{self, Claim};
use crate::db::queries::{runs, suppressions};
use crate::db::rows::ClaimedDelivery;
use crate::db::{DbError, DbPool, blocking};
use crate::mail::Transport;
use halted::Halted;
use leases::Held;
use recorder::Record;
use suppressed::BatchSuppressions;

#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// Deliveries in flight at once (sent or being sent, outcome not yet committed).
    pub concurrency: usize,
    /// Deliveries claimed per query.
    pub batch: usize,
    pub retry: RetryPolicy,
    /// How long a claim holds its deliveries before another worker may take them over.
    pub lease: Duration,
    /// How often an idle worker looks for due deliveries (a run queued in this process wakes it
    /// at once).
    pub poll: Duration,
    /// When a refused address goes on the suppression list.
    pub bounces: BounceRules,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            concurrency: 200,
            batch: 500,
            retry: RetryPolicy::default(),
            lease: Duration::from_secs(60),
            poll: Duration::from_millis(500),
            bounces: BounceRules::default(),
        }
    }
}

/// Why a worker stopped before it was told to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkerError {
    #[error(
        "the recorder of delivery outcomes stopped ({0}); no more deliveries are claimed, and \
         what was sent but not recorded goes out again when its lease runs out"
    )]
    RecorderDied(String),
}

/// Everything a worker needs; cheap to clone.
#[derive(Clone)]
pub struct Worker {
    pool: DbPool,
    cache: Cache,
    transport: Transport,
    composer: Composer,
    throttle: Arc<Throttle>,
    clock: Arc<dyn Clock>,
    settings: WorkerSettings,
    stats: Arc<WorkerStats>,
    wake: Arc<tokio::sync::Notify>,
}

type Outbox = mpsc::UnboundedSender<(Record, Option<OwnedSemaphorePermit>)>;

impl Worker {
    pub fn new(
        pool: DbPool,
        cache: Cache,
        transport: Transport,
        composer: Composer,
        throttle: Arc<Throttle>,
        clock: Arc<dyn Clock>,
        settings: WorkerSettings,
    ) -> Self {
        Self {
            pool,
            cache,
            transport,
            composer,
            throttle,
            clock,
            settings,
            stats: Arc::new(WorkerStats::default()),
            wake: Arc::new(tokio::sync::Notify::new()),
        }
    }

    pub fn stats(&self) -> Arc<WorkerStats> {
        self.stats.clone()
    }

    /// Wakes an idle worker: a run was just queued.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Sends until `stop` is cancelled; then stops claiming, gives back what it has not started,
    /// finishes what is in flight and records it.
    pub async fn run(&self, stop: CancellationToken) -> Result<(), WorkerError> {
        self.work(None, stop, false).await
    }

    /// Sends everything due now (of one run, or all) and returns when nothing is left to claim,
    /// or when `stop` is cancelled.
    pub async fn drain(
        &self,
        only_run: Option<i64>,
        stop: CancellationToken,
    ) -> Result<(), WorkerError> {
        self.work(only_run, stop, true).await
    }

    async fn work(
        &self,
        only_run: Option<i64>,
        stop: CancellationToken,
        until_idle: bool,
    ) -> Result<(), WorkerError> {
        let in_flight = Arc::new(Semaphore::new(self.settings.concurrency.max(1)));
        let held = Held::default();
        let (records, inbox) = mpsc::unbounded_channel();
        let mut recorder = tokio::spawn(recorder::record_loop(
            self.pool.clone(),
            self.cache.clone(),
            self.clock.clone(),
            inbox,
            held.clone(),
            self.settings.bounces,
        ));
        let renewer = tokio::spawn(leases::renew_loop(
            self.pool.clone(),
            self.clock.clone(),
            held.clone(),
            self.settings.lease,
        ));
        let mut sends = tokio::task::JoinSet::new();
        // The recorder's end, once the claim loop saw it (a join handle is awaited once).
        let mut recorder_ended = None;
        while !stop.is_cancelled() && !recorder.is_finished() {
            let claimed = match self.claim(only_run, &held).await {
                Ok(claimed) => claimed,
                Err(error) => {
                    tracing::error!(%error, "cannot claim deliveries; retrying");
                    self.idle(&stop).await;
                    continue;
                }
            };
            if claimed.is_empty() {
                // Idle: with nothing in flight either, a drain is over.
                while sends.try_join_next().is_some() {}
                if until_idle && sends.is_empty() {
                    break;
                }
                if until_idle {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                } else {
                    self.idle(&stop).await;
                }
                continue;
            }
            let (contents, suppressed) = match self.load_batch(&claimed).await {
                Ok((contents, listed)) => (contents, Arc::new(BatchSuppressions::new(listed))),
                Err(error) => {
                    tracing::error!(%error, "cannot read the runs' messages; giving the deliveries back");
                    release(&records, &held, claimed);
                    self.idle(&stop).await;
                    continue;
                }
            };
            let halted = Arc::new(Halted::new(self.pool.clone(), distinct_runs(&claimed)));
            let mut given_back = Vec::new();
            let mut claimed = claimed.into_iter();
            for delivery in claimed.by_ref() {
                // Paused or cancelled since the claim: what is not begun goes back unsent.
                if halted.holds(delivery.run_id).await {
                    given_back.push(delivery);
                    continue;
                }
                let lease = held.lease_of(delivery.id);
                let permit = tokio::select! {
                    // The recorder first: a dying one drops the permits it held, and a permit
                    // freed that way must not start a send whose outcome nobody records.
                    biased;
                    ended = &mut recorder => {
                        recorder_ended = Some(ended);
                        break;
                    }
                    () = stop.cancelled() => {
                        let _ = records.send((Record::Release { id: delivery.id, lease }, None));
                        break;
                    }
                    permit = in_flight.clone().acquire_owned() => permit.expect("never closed"),
                };
                // Dying, it freed its permits a moment before its handle says it ended.
                if recorder.is_finished() {
                    break;
                }
                let content = contents.get(&delivery.run_id).cloned();
                let suppressed = suppressed.clone();
                let worker = self.clone();
                let records = records.clone();
                let stop = stop.clone();
                let halted = halted.clone();
                sends.spawn(async move {
                    let (id, owner) = (delivery.id, content.as_ref().map(|c| c.content.owner_id));
                    let sending =
                        worker.send_one(delivery, lease, content, &suppressed, &halted, &stop);
                    let record = AssertUnwindSafe(sending)
                        .catch_unwind()
                        .await
                        .unwrap_or_else(|panic| {
                            worker.unforeseen(id, lease, owner, &send::panic_text(panic.as_ref()))
                        });
                    let _ = records.send((record, Some(permit)));
                });
                while sends.try_join_next().is_some() {}
            }
            given_back.extend(claimed);
            release(&records, &held, given_back);
        }
        if recorder_ended.is_some() || recorder.is_finished() {
            sends.abort_all();
            renewer.abort();
            let ended = match recorder_ended {
                Some(ended) => ended,
                None => recorder.await,
            };
            return Err(recorder_died(ended));
        }
        while sends.join_next().await.is_some() {}
        drop(records);
        let recorded = (&mut recorder).await;
        renewer.abort();
        match recorded {
            Ok(Ok(())) => Ok(()),
            other => Err(recorder_died(other)),
        }
    }

    async fn idle(&self, stop: &CancellationToken) {
        tokio::select! {
            () = tokio::time::sleep(self.settings.poll) => {}
            () = self.wake.notified() => {}
            () = stop.cancelled() => {}
        }
    }

    async fn claim(
        &self,
        only_run: Option<i64>,
        held: &Held,
    ) -> Result<Vec<ClaimedDelivery>, DbError> {
        let now = self.clock.now();
        let claim = Claim {
            now,
            lease_until: now + delta(self.settings.lease),
            lease: rand::rng().random_range(1..i64::MAX),
            limit: self.settings.batch.max(1) as i64,
            only_run,
        };
        let claimed = blocking(&self.pool, move |conn| {
            // Look before writing: an idle worker polls often, and on SQLite a write transaction
            // takes the database's one write lock from the people using the app.
            if !deliveries::any_due(conn, now, only_run)? {
                return Ok(Vec::new());
            }
            crate::db::write_transaction::<_, DbError, _>(conn, |conn| {
                crate::db::use_generic_plans(conn)?;
                let claimed = deliveries::claim(conn, claim)?;
                if !claimed.is_empty() {
                    runs::mark_started(conn, &distinct_runs(&claimed), now)?;
                }
                Ok(claimed)
            })
        })
        .await?;
        held.insert(claimed.iter().map(|d| d.id), claim.lease);
        Ok(claimed)
    }

    /// What sending a claimed batch needs, in one trip to the database: each run's message, made
    /// ready once here (off the async threads: its copies only fill in their values), and the
    /// deliveries whose address is on the suppression list now.
    async fn load_batch(
        &self,
        claimed: &[ClaimedDelivery],
    ) -> Result<(HashMap<i64, Arc<RunMail>>, HashSet<i64>), DbError> {
        let run_ids = distinct_runs(claimed);
        let ids: Vec<i64> = claimed.iter().map(|d| d.id).collect();
        blocking(&self.pool, move |conn| {
            let contents = runs::contents(conn, &run_ids)?
                .into_iter()
                .map(|c| (c.run_id, Arc::new(RunMail::new(c))))
                .collect();
            let suppressed = suppressions::among_deliveries(conn, &ids)?
                .into_iter()
                .collect();
            Ok::<_, DbError>((contents, suppressed))
        })
        .await
    }
}

/// Nothing sent from now on could be recorded: the worker has stopped sending at once, and lets
/// the leases run out so that another worker (or this one, restarted) takes the deliveries over.
fn recorder_died(ended: Result<Result<(), String>, tokio::task::JoinError>) -> WorkerError {
    let why = match ended {
        Ok(Ok(())) => "it ended early".to_owned(),
        Ok(Err(why)) => why,
        Err(error) => join_error_text(error),
    };
    let error = WorkerError::RecorderDied(why);
    tracing::error!(%error, "the worker stops");
    error
}

/// Gives claimed deliveries back unsent.
fn release(records: &Outbox, held: &Held, deliveries: Vec<ClaimedDelivery>) {
    for d in deliveries {
        let lease = held.lease_of(d.id);
        let _ = records.send((Record::Release { id: d.id, lease }, None));
    }
}

fn distinct_runs(claimed: &[ClaimedDelivery]) -> Vec<i64> {
    let mut ids: Vec<i64> = claimed.iter().map(|d| d.run_id).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

fn join_error_text(error: tokio::task::JoinError) -> String {
    match error.try_into_panic() {
        Ok(panic) => format!("it panicked: {}", send::panic_text(panic.as_ref())),
        Err(error) => error.to_string(),
    }
}

/// A std duration as chrono's, capped at a year (an overflow must not panic the worker).
pub fn delta(wait: Duration) -> TimeDelta {
    TimeDelta::from_std(wait)
        .unwrap_or(TimeDelta::days(365))
        .min(TimeDelta::days(365))
}
