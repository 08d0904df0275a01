//! Background jobs: low-volume work any process may do (processing a received report first;
//! webhook deliveries, account mail and housekeeping next), modelled on crates.io's worker. One
//! typed trait, one table (`background_jobs`), `enqueue` on the caller's own connection so that
//! a job is written in the same transaction as what causes it, and claims that are leases: a job
//! whose process dies is claimed again once its lease runs out. A job that fails is retried with
//! a growing wait, and kept for a person to look at once its tries are used up. Mail deliveries
//! keep their own table: they are the hot path.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDateTime;
use futures_util::future::BoxFuture;
use futures_util::stream::FuturesUnordered;
use futures_util::{FutureExt, StreamExt};
use rand::Rng;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio_util::sync::CancellationToken;

use crate::clock::Clock;
use crate::db::queries::jobs;
use crate::db::rows::JobRow;
use crate::db::{DbConnection, DbError, DbPool, blocking};

/// Tries in all before a job is given up on: with the waits below, about a day.
pub const MAX_ATTEMPTS: i32 = 25;
/// How long a claim holds a job.
const LEASE: Duration = Duration::from_secs(300);
/// Jobs a runner runs at once.
const AT_ONCE: usize = 8;

/// A kind of job: its payload is the value itself, stored as JSON under `JOB_TYPE`.
pub trait BackgroundJob: Serialize + DeserializeOwned + Send + 'static {
    /// Unique among jobs, and never changed once jobs of it may be waiting.
    const JOB_TYPE: &'static str;
    /// Higher runs first.
    const PRIORITY: i32 = 0;
    /// What running needs (the pool, the clock, settings).
    type Context: Clone + Send + Sync + 'static;

    fn run(self, context: Self::Context) -> impl Future<Output = Result<(), String>> + Send;

    /// Writes the job on the caller's connection: in its transaction, if one is open.
    fn enqueue(&self, conn: &mut DbConnection, now: NaiveDateTime) -> Result<i64, DbError> {
        self.enqueue_at(conn, now, now)
    }

    /// As `enqueue`, for a job not to run before `run_at`.
    fn enqueue_at(
        &self,
        conn: &mut DbConnection,
        now: NaiveDateTime,
        run_at: NaiveDateTime,
    ) -> Result<i64, DbError> {
        let payload = serde_json::to_string(self).map_err(|e| DbError::Corrupt(e.to_string()))?;
        Ok(jobs::insert(
            conn,
            Self::JOB_TYPE,
            &payload,
            Self::PRIORITY,
            now,
            run_at,
        )?)
    }
}

type Handler<C> = Arc<dyn Fn(C, String) -> BoxFuture<'static, Result<(), String>> + Send + Sync>;

/// How long a failed job waits before its next try: `first`, doubling, at most `longest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub first: Duration,
    pub longest: Duration,
}

impl Default for Backoff {
    /// From 10 s to an hour: about a day over `MAX_ATTEMPTS` tries.
    fn default() -> Self {
        Self {
            first: Duration::from_secs(10),
            longest: Duration::from_secs(3600),
        }
    }
}

impl Backoff {
    /// The wait after a job's `attempts`-th failed try.
    fn after(self, attempts: i32) -> chrono::TimeDelta {
        let exponent = u32::try_from(attempts.saturating_sub(1))
            .unwrap_or(0)
            .min(20);
        let first = i64::try_from(self.first.as_secs())
            .unwrap_or(i64::MAX)
            .max(1);
        let longest = i64::try_from(self.longest.as_secs()).unwrap_or(i64::MAX);
        chrono::TimeDelta::seconds(first.saturating_mul(1 << exponent).min(longest.max(first)))
    }
}

/// A job the runners write themselves, one `every` after the last one was done.
struct Periodic {
    job_type: &'static str,
    payload: String,
    priority: i32,
    every: Duration,
}

/// Claims due jobs and runs them with the handler registered for their type.
pub struct Runner<C> {
    pool: DbPool,
    clock: Arc<dyn Clock>,
    context: C,
    handlers: HashMap<&'static str, (Handler<C>, Backoff)>,
    periodic: Vec<Periodic>,
    poll: Duration,
}

impl<C: Clone + Send + Sync + 'static> Runner<C> {
    pub fn new(pool: DbPool, clock: Arc<dyn Clock>, context: C) -> Self {
        Self {
            pool,
            clock,
            context,
            handlers: HashMap::new(),
            periodic: Vec::new(),
            poll: Duration::from_secs(1),
        }
    }

    /// Runs jobs of type `J` with the part of the runner's context `part` picks.
    pub fn register<J: BackgroundJob>(self, part: fn(&C) -> J::Context) -> Self {
        self.register_with::<J>(part, Backoff::default())
    }

    /// As `register`, with failed tries waiting as `backoff` says.
    pub fn register_with<J: BackgroundJob>(
        mut self,
        part: fn(&C) -> J::Context,
        backoff: Backoff,
    ) -> Self {
        let handler: Handler<C> = Arc::new(move |context, payload| {
            let context = part(&context);
            async move {
                let job: J = serde_json::from_str(&payload)
                    .map_err(|e| format!("unreadable payload: {e}"))?;
                job.run(context).await
            }
            .boxed()
        });
        self.handlers.insert(J::JOB_TYPE, (handler, backoff));
        self
    }

    /// Runs `J` (its default value) about once per `every`, with the part of the context `part`
    /// picks. However many runners there are, one such job waits at a time: the first round of
    /// any runner writes it unless it is there (a unique key), and each run that succeeds moves
    /// it `every` ahead. One given up on leaves the key, and the next round writes a new one.
    pub fn every<J: BackgroundJob + Default>(
        mut self,
        part: fn(&C) -> J::Context,
        every: Duration,
    ) -> Self {
        let payload = serde_json::to_string(&J::default())
            .unwrap_or_else(|e| panic!("{}'s default serialises: {e}", J::JOB_TYPE));
        self.periodic.push(Periodic {
            job_type: J::JOB_TYPE,
            payload,
            priority: J::PRIORITY,
            every,
        });
        self.register::<J>(part)
    }

    /// Runs every job due now, up to `AT_ONCE` at a time (a webhook receiver that takes its 10 s
    /// must not hold the others up), and returns how many ran (successfully or not).
    /// A database error stops the claiming, never the jobs running: they finish first (dropped
    /// mid-way, a webhook call would be made again), and the first error is returned then.
    pub async fn run_due(&self) -> Result<usize, DbError> {
        // Once per round, not per claim: a claim is a statement beside the sender's.
        let now = self.clock.now();
        let periodic: Vec<_> = self
            .periodic
            .iter()
            .map(|p| {
                let at = now + crate::sending::worker::delta(p.every);
                (p.job_type, p.payload.clone(), p.priority, at)
            })
            .collect();
        blocking(&self.pool, move |conn| {
            jobs::give_up_crash_loops(conn, now, MAX_ATTEMPTS)?;
            for (job_type, payload, priority, at) in &periodic {
                jobs::insert_unique(conn, job_type, job_type, payload, *priority, now, *at)?;
            }
            Ok::<_, DbError>(())
        })
        .await?;
        let mut ran = 0;
        let mut running = FuturesUnordered::new();
        let mut exhausted = false;
        let mut failed = None;
        loop {
            while !exhausted && failed.is_none() && running.len() < AT_ONCE {
                match self.claim().await {
                    Ok(Some(job)) => running.push(self.run_one(job)),
                    Ok(None) => exhausted = true,
                    Err(error) => failed = Some(error),
                }
            }
            match running.next().await {
                Some(finished) => {
                    ran += 1;
                    if let Err(error) = finished {
                        failed.get_or_insert(error);
                    }
                    // One finished: more may be due now (a job it enqueued, say).
                    exhausted = false;
                }
                None => return failed.map_or(Ok(ran), Err),
            }
        }
    }

    /// Runs due jobs until `stop` is cancelled.
    pub async fn run(self, stop: CancellationToken) {
        while !stop.is_cancelled() {
            if let Err(error) = self.run_due().await {
                tracing::error!(%error, "background jobs: cannot claim or record; retrying");
            }
            tokio::select! {
                () = tokio::time::sleep(self.poll) => {}
                () = stop.cancelled() => {}
            }
        }
    }

    async fn claim(&self) -> Result<Option<JobRow>, DbError> {
        let now = self.clock.now();
        let lease = rand::rng().random_range(1..i64::MAX);
        let until = now + crate::sending::worker::delta(LEASE);
        blocking(&self.pool, move |conn| {
            Ok::<_, DbError>(jobs::claim(conn, now, until, lease, MAX_ATTEMPTS)?)
        })
        .await
    }

    async fn run_one(&self, job: JobRow) -> Result<(), DbError> {
        let backoff = self
            .handlers
            .get(job.job_type.as_str())
            .map_or_else(Backoff::default, |(_, backoff)| *backoff);
        let outcome = match self.handlers.get(job.job_type.as_str()) {
            Some((handler, _)) => {
                let running = handler(self.context.clone(), job.payload.clone());
                // A job that panics fails like one that returns an error.
                std::panic::AssertUnwindSafe(running)
                    .catch_unwind()
                    .await
                    .unwrap_or_else(|_| Err("the job panicked".to_owned()))
            }
            None => Err(format!("no handler for jobs of type {}", job.job_type)),
        };
        let now = self.clock.now();
        let (id, lease) = (job.id, job.lease.unwrap_or_default());
        // A periodic job's row stays, for its next time: the unique key is never free between.
        let next = self
            .periodic
            .iter()
            .find(|p| p.job_type == job.job_type)
            .map(|p| {
                let at = now + crate::sending::worker::delta(p.every);
                (p.payload.clone(), p.priority, at)
            });
        match outcome {
            Ok(()) => {
                blocking(&self.pool, move |conn| {
                    match next {
                        Some((payload, priority, at)) => {
                            jobs::reschedule(conn, id, lease, &payload, priority, at)?
                        }
                        None => jobs::done(conn, id, lease)?,
                    };
                    Ok::<_, DbError>(())
                })
                .await?;
            }
            Err(error) => {
                let given_up = job.attempts >= MAX_ATTEMPTS;
                tracing::warn!(
                    job = id,
                    job_type = %job.job_type,
                    attempts = job.attempts,
                    given_up,
                    %error,
                    "a background job failed"
                );
                let retry_at = (!given_up).then(|| now + backoff.after(job.attempts));
                blocking(&self.pool, move |conn| {
                    Ok::<_, DbError>(jobs::failed(conn, id, lease, &error, retry_at, now)?)
                })
                .await?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_job_waits_longer_each_time_up_to_an_hour() {
        let backoff = Backoff::default();
        assert_eq!(backoff.after(1).num_seconds(), 10);
        assert_eq!(backoff.after(2).num_seconds(), 20);
        assert_eq!(backoff.after(5).num_seconds(), 160);
        assert_eq!(backoff.after(MAX_ATTEMPTS).num_seconds(), 3600);
    }

    #[test]
    fn a_backoff_of_its_own_starts_and_stops_where_it_says() {
        let backoff = Backoff {
            first: Duration::from_secs(60),
            longest: Duration::from_secs(300),
        };
        assert_eq!(backoff.after(1).num_seconds(), 60);
        assert_eq!(backoff.after(2).num_seconds(), 120);
        assert_eq!(backoff.after(4).num_seconds(), 300);
        assert_eq!(backoff.after(MAX_ATTEMPTS).num_seconds(), 300);
    }
}
