//! A worker: claims due deliveries in batches, sends them concurrently within the throttle, and
//! records the outcomes in group commits.
//!
//! A delivery holds one of `concurrency` permits from just before it is sent until its outcome is
//! committed, so a worker killed at any moment leaves at most `concurrency` mails sent but not
//! recorded: those, and only those, are sent again when their lease runs out.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::TimeDelta;
use hdrhistogram::Histogram;
use mailroom_domain::delivery::{RetryPolicy, TryOutcome, Verdict, may_send};
use mailroom_domain::{AttemptStatus, UserState};
use rand::Rng;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::clock::Clock;
use super::compose::Composer;
use super::courier::Courier;
use super::throttle::Throttle;
use crate::cache::Cache;
use crate::db::queries::deliveries::{self, Claim, Outcome};
use crate::db::queries::runs::{self, RunContent};
use crate::db::rows::ClaimedDelivery;
use crate::db::{DbError, DbPool, run};

/// Outcomes committed together at most.
const RECORD_BATCH: usize = 1_000;
/// How long the recorder waits for more outcomes before committing what it has.
const GROUP_COMMIT_WAIT: Duration = Duration::from_millis(5);

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
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            concurrency: 200,
            batch: 500,
            retry: RetryPolicy::default(),
            lease: Duration::from_secs(60),
            poll: Duration::from_millis(500),
        }
    }
}

/// What a worker has done, for logs, the CLI and the benchmark.
#[derive(Debug, Default)]
pub struct WorkerStats {
    pub sent: AtomicU64,
    pub failed: AtomicU64,
    pub retried: AtomicU64,
    pub cancelled: AtomicU64,
    /// Microseconds from the start of each SMTP transaction to the server's reply; a histogram
    /// keeps memory flat however long the worker runs.
    latencies: Mutex<Option<Histogram<u64>>>,
}

impl WorkerStats {
    fn observe(&self, latency: Duration) {
        let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        let mut latencies = self.latencies.lock().expect("stats lock");
        let histogram = latencies.get_or_insert_with(|| {
            Histogram::new_with_bounds(1, 3_600_000_000, 3).expect("valid histogram bounds")
        });
        histogram.saturating_record(micros);
    }

    /// The latency at quantile `q` (0.5 for the median) of every try so far.
    pub fn latency(&self, q: f64) -> Option<Duration> {
        let latencies = self.latencies.lock().expect("stats lock");
        let histogram = latencies.as_ref().filter(|h| !h.is_empty())?;
        Some(Duration::from_micros(histogram.value_at_quantile(q)))
    }
}

/// Everything a worker needs; cheap to clone.
#[derive(Clone)]
pub struct Worker {
    pool: DbPool,
    cache: Cache,
    courier: Courier,
    composer: Composer,
    throttle: Arc<Throttle>,
    clock: Arc<dyn Clock>,
    settings: WorkerSettings,
    stats: Arc<WorkerStats>,
    wake: Arc<tokio::sync::Notify>,
}

/// A delivery's fate as the recorder sees it.
enum Record {
    /// Recorded; the owner's cached figures change with it.
    Done {
        outcome: Outcome,
        owner: Option<i64>,
    },
    /// Not sent (the worker is stopping): give it back.
    Release { id: i64, lease: i64 },
}

impl Worker {
    pub fn new(
        pool: DbPool,
        cache: Cache,
        courier: Courier,
        composer: Composer,
        throttle: Arc<Throttle>,
        clock: Arc<dyn Clock>,
        settings: WorkerSettings,
    ) -> Self {
        Self {
            pool,
            cache,
            courier,
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
    pub async fn run(&self, stop: CancellationToken) {
        self.work(None, stop, false).await;
    }

    /// Sends everything due now (of one run, or all) and returns when nothing is left to claim,
    /// or when `stop` is cancelled.
    pub async fn drain(&self, only_run: Option<i64>, stop: CancellationToken) {
        self.work(only_run, stop, true).await;
    }

    async fn work(&self, only_run: Option<i64>, stop: CancellationToken, until_idle: bool) {
        let in_flight = Arc::new(Semaphore::new(self.settings.concurrency.max(1)));
        let held: Arc<Mutex<HashMap<i64, i64>>> = Arc::default();
        let (records, inbox) = mpsc::unbounded_channel::<(Record, Option<OwnedSemaphorePermit>)>();
        let recorder = tokio::spawn(record_loop(
            self.pool.clone(),
            self.cache.clone(),
            self.clock.clone(),
            inbox,
            held.clone(),
        ));
        let renewer = tokio::spawn(renew_loop(
            self.pool.clone(),
            self.clock.clone(),
            held.clone(),
            self.settings.lease,
        ));
        let mut sends = tokio::task::JoinSet::new();
        while !stop.is_cancelled() {
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
            let run_ids = distinct_runs(&claimed);
            let contents = match self.load_contents(&run_ids).await {
                Ok(loaded) => loaded,
                Err(error) => {
                    tracing::error!(%error, "cannot read the runs' messages; giving the deliveries back");
                    for d in &claimed {
                        let _ = records.send((
                            Record::Release {
                                id: d.id,
                                lease: lease_of(&held, d.id),
                            },
                            None,
                        ));
                    }
                    self.idle(&stop).await;
                    continue;
                }
            };
            let mut claimed = claimed.into_iter();
            for delivery in claimed.by_ref() {
                let lease = lease_of(&held, delivery.id);
                let permit = tokio::select! {
                    permit = in_flight.clone().acquire_owned() => permit.expect("never closed"),
                    () = stop.cancelled() => {
                        let _ = records.send((Record::Release { id: delivery.id, lease }, None));
                        break;
                    }
                };
                let content = contents.get(&delivery.run_id).cloned();
                let worker = self.clone();
                let records = records.clone();
                let stop = stop.clone();
                sends.spawn(async move {
                    let record = worker.send_one(delivery, lease, content, &stop).await;
                    let _ = records.send((record, Some(permit)));
                });
                while sends.try_join_next().is_some() {}
            }
            for delivery in claimed {
                let lease = lease_of(&held, delivery.id);
                let _ = records.send((
                    Record::Release {
                        id: delivery.id,
                        lease,
                    },
                    None,
                ));
            }
        }
        while sends.join_next().await.is_some() {}
        drop(records);
        let _ = recorder.await;
        renewer.abort();
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
        held: &Arc<Mutex<HashMap<i64, i64>>>,
    ) -> Result<Vec<ClaimedDelivery>, DbError> {
        let now = self.clock.now();
        let claim = Claim {
            now,
            lease_until: now + delta(self.settings.lease),
            lease: rand::rng().random_range(1..i64::MAX),
            limit: self.settings.batch.max(1) as i64,
            only_run,
        };
        let claimed = run(&self.pool, move |conn| {
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
        let mut held = held.lock().expect("held lock");
        for d in &claimed {
            held.insert(d.id, claim.lease);
        }
        Ok(claimed)
    }

    async fn load_contents(
        &self,
        run_ids: &[i64],
    ) -> Result<HashMap<i64, Arc<RunContent>>, DbError> {
        let run_ids = run_ids.to_vec();
        let rows = run(&self.pool, move |conn| {
            Ok::<_, DbError>(runs::contents(conn, &run_ids)?)
        })
        .await?;
        Ok(rows.into_iter().map(|c| (c.run_id, Arc::new(c))).collect())
    }

    async fn send_one(
        &self,
        delivery: ClaimedDelivery,
        lease: i64,
        content: Option<Arc<RunContent>>,
        stop: &CancellationToken,
    ) -> Record {
        let now = self.clock.now();
        let owner = content.as_ref().map(|c| c.owner_id);
        let cancelled = |worker: &Worker| {
            worker.stats.cancelled.fetch_add(1, Ordering::Relaxed);
            Record::Done {
                outcome: Outcome {
                    delivery_id: delivery.id,
                    lease,
                    state: "cancelled",
                    next_attempt_at: now,
                    attempt: None,
                },
                owner,
            }
        };
        // The mailing may have been stopped, or the client deleted, since the run was queued.
        let (Some(content), Some(client_id)) = (content, delivery.client_id) else {
            return cancelled(self);
        };
        let owner_blocked = content.owner_state == UserState::Blocked.as_str();
        if may_send(now, content.ends_at, content.disabled, owner_blocked).is_err() {
            return cancelled(self);
        }
        let domain = delivery
            .email
            .rsplit('@')
            .next()
            .unwrap_or_default()
            .to_owned();
        let _slot = tokio::select! {
            permit = self.throttle.admit(&domain) => permit,
            () = stop.cancelled() => return Record::Release { id: delivery.id, lease },
        };
        let outcome = match self.composer.compose(&content, &delivery, client_id) {
            Ok(message) => {
                let (outcome, took) = self.courier.deliver(message).await;
                self.stats.observe(took);
                outcome
            }
            Err(reason) => TryOutcome::Unsendable(reason),
        };
        let attempted_at = self.clock.now();
        let tries = u32::try_from(delivery.attempts).unwrap_or(0) + 1;
        let (state, next_attempt_at) = match outcome.verdict() {
            Verdict::Sent => {
                self.throttle.recovered();
                self.stats.sent.fetch_add(1, Ordering::Relaxed);
                ("sent", attempted_at)
            }
            Verdict::Retry { slow_down } => {
                if slow_down {
                    self.throttle.slow_down();
                }
                let jitter: f64 = rand::rng().random();
                match self.settings.retry.delay(tries, jitter) {
                    Some(wait) => {
                        self.stats.retried.fetch_add(1, Ordering::Relaxed);
                        ("pending", attempted_at + delta(wait))
                    }
                    None => {
                        self.stats.failed.fetch_add(1, Ordering::Relaxed);
                        ("failed", attempted_at)
                    }
                }
            }
            Verdict::Failed => {
                self.stats.failed.fetch_add(1, Ordering::Relaxed);
                ("failed", attempted_at)
            }
        };
        let status = if outcome.verdict() == Verdict::Sent {
            AttemptStatus::Success
        } else {
            AttemptStatus::Failure
        };
        if state != "sent" {
            tracing::info!(
                delivery = delivery.id,
                to = %delivery.email,
                reply = %outcome.describe(),
                state,
                "delivery not accepted"
            );
        }
        Record::Done {
            outcome: Outcome {
                delivery_id: delivery.id,
                lease,
                state,
                next_attempt_at,
                attempt: Some((attempted_at, status.as_str(), outcome.describe())),
            },
            owner,
        }
    }
}

fn distinct_runs(claimed: &[ClaimedDelivery]) -> Vec<i64> {
    let mut ids: Vec<i64> = claimed.iter().map(|d| d.run_id).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

fn lease_of(held: &Arc<Mutex<HashMap<i64, i64>>>, id: i64) -> i64 {
    held.lock()
        .expect("held lock")
        .get(&id)
        .copied()
        .unwrap_or_default()
}

/// Commits outcomes in groups, one group at a time; a permit is released only once its outcome is
/// committed. Outcomes arriving during a commit wait in the channel and form the next group, so
/// groups grow with the load. (Two groups committing at once were tried: more work for
/// PostgreSQL, which then waits on the runs' rows, for no more messages per second.) A failed
/// commit is retried, never dropped: the database may be restarting.
async fn record_loop(
    pool: DbPool,
    cache: Cache,
    clock: Arc<dyn Clock>,
    mut inbox: mpsc::UnboundedReceiver<(Record, Option<OwnedSemaphorePermit>)>,
    held: Arc<Mutex<HashMap<i64, i64>>>,
) {
    while let Some(first) = inbox.recv().await {
        let mut batch = vec![first];
        let deadline = Instant::now() + GROUP_COMMIT_WAIT;
        while batch.len() < RECORD_BATCH {
            match tokio::time::timeout_at(deadline, inbox.recv()).await {
                Ok(Some(item)) => batch.push(item),
                _ => break,
            }
        }
        commit(&pool, &cache, clock.as_ref(), &held, batch).await;
    }
}

async fn commit(
    pool: &DbPool,
    cache: &Cache,
    clock: &dyn Clock,
    held: &Mutex<HashMap<i64, i64>>,
    batch: Vec<(Record, Option<OwnedSemaphorePermit>)>,
) {
    let mut outcomes = Vec::new();
    let mut owners = std::collections::BTreeSet::new();
    let mut releases: HashMap<i64, Vec<i64>> = HashMap::new();
    for (record, _) in &batch {
        match record {
            Record::Done { outcome, owner } => {
                outcomes.push(outcome.clone());
                owners.extend(*owner);
            }
            Record::Release { id, lease } => releases.entry(*lease).or_default().push(*id),
        }
    }
    let mut wait = Duration::from_millis(100);
    loop {
        let now = clock.now();
        let (outcomes, releases) = (outcomes.clone(), releases.clone());
        let result = run(pool, move |conn| {
            deliveries::record(conn, &outcomes, now)?;
            for (lease, ids) in &releases {
                deliveries::release(conn, *lease, ids)?;
            }
            Ok::<_, DbError>(())
        })
        .await;
        match result {
            Ok(()) => break,
            Err(error) => {
                tracing::error!(%error, "cannot record delivery outcomes; retrying");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(5));
            }
        }
    }
    cache.changed(owners).await;
    let mut held = held.lock().expect("held lock");
    for (record, _) in &batch {
        match record {
            Record::Done { outcome, .. } => held.remove(&outcome.delivery_id),
            Record::Release { id, .. } => held.remove(id),
        };
    }
    // Dropping the batch releases its permits: the next deliveries may go.
}

/// Keeps the leases of deliveries still in hand from running out while they wait (a slow server,
/// a long pause).
async fn renew_loop(
    pool: DbPool,
    clock: Arc<dyn Clock>,
    held: Arc<Mutex<HashMap<i64, i64>>>,
    lease: Duration,
) {
    let mut every = tokio::time::interval(lease / 3);
    every.tick().await;
    loop {
        every.tick().await;
        let mut by_lease: HashMap<i64, Vec<i64>> = HashMap::new();
        for (&id, &l) in held.lock().expect("held lock").iter() {
            by_lease.entry(l).or_default().push(id);
        }
        if by_lease.is_empty() {
            continue;
        }
        let until = clock.now() + delta(lease);
        let result = run(&pool, move |conn| {
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

/// A std duration as chrono's, capped at a year (an overflow must not panic the worker).
pub fn delta(wait: Duration) -> TimeDelta {
    TimeDelta::from_std(wait)
        .unwrap_or(TimeDelta::days(365))
        .min(TimeDelta::days(365))
}
