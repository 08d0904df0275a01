//! The sending engine: runs queue deliveries, workers claim and send them, the scheduler starts
//! runs on time. Shared by `mailroom serve` (a worker in-process), `mailroom worker` and
//! `mailroom send`.

pub mod compose;
pub mod control;
pub mod health;
pub mod mailing;
pub mod queue;
pub mod scheduler;
pub mod start;
pub mod throttle;
pub mod unsubscribe;
pub mod worker;

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub use health::{SenderHealth, SenderState};
pub use worker::{Worker, WorkerError, WorkerSettings, WorkerStats};

use crate::cache::Cache;
use crate::clock::Clock;
use crate::db::DbPool;
use crate::jobs::Runner;

#[derive(Debug, Clone)]
pub struct SendingSettings {
    /// SMTP connections kept open at most (`SMTP_POOL_SIZE`).
    pub connections: u32,
    /// Messages per second at most, across all domains (`SEND_RATE`; none: as fast as possible).
    pub rate: Option<NonZeroU32>,
    /// Messages in flight at once to one recipient domain (`SEND_PER_DOMAIN`).
    pub per_domain: usize,
    pub worker: WorkerSettings,
    /// How often the scheduler looks for due mailings.
    pub tick: Duration,
    /// Whether `serve` runs a worker and the scheduler in-process.
    pub in_process: bool,
}

impl Default for SendingSettings {
    fn default() -> Self {
        Self {
            connections: 8,
            rate: None,
            per_domain: 20,
            worker: WorkerSettings::default(),
            tick: Duration::from_secs(1),
            in_process: true,
        }
    }
}

/// The worker of this process, if it runs one: woken when a run is queued here, so that it
/// starts at once instead of at its next poll.
#[derive(Clone, Default)]
pub struct LocalWorker(Option<Worker>);

impl LocalWorker {
    pub fn new(worker: Option<Worker>) -> Self {
        Self(worker)
    }

    pub fn wake(&self) {
        if let Some(worker) = &self.0 {
            worker.wake();
        }
    }
}

/// A worker, the scheduler and the background jobs running until `shutdown`.
pub struct Background {
    stop: CancellationToken,
    tasks: Vec<JoinHandle<()>>,
}

impl Background {
    /// `health` follows the sender: sending, then failed if it stops by itself.
    pub fn spawn<C: Clone + Send + Sync + 'static>(
        worker: Worker,
        jobs: Runner<C>,
        pool: DbPool,
        cache: Cache,
        clock: Arc<dyn Clock>,
        tick: Duration,
        health: SenderHealth,
    ) -> Self {
        let stop = CancellationToken::new();
        let scheduler = {
            let stop = stop.clone();
            let worker = worker.clone();
            tokio::spawn(async move {
                let mut every = tokio::time::interval(tick);
                every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    tokio::select! {
                        _ = every.tick() => {}
                        () = stop.cancelled() => break,
                    }
                    match scheduler::tick(&pool, &cache, clock.now()).await {
                        Ok(tick) if !tick.started.is_empty() => worker.wake(),
                        Ok(_) => {}
                        Err(error) => tracing::error!(%error, "scheduler tick failed"),
                    }
                }
            })
        };
        let sender = {
            let stop = stop.clone();
            health.set(SenderState::Sending);
            tokio::spawn(async move {
                match worker.run(stop).await {
                    Ok(()) => health.set(SenderState::Off),
                    Err(error) => health.set(SenderState::Failed(error.to_string())),
                }
            })
        };
        let jobs = tokio::spawn(jobs.run(stop.clone()));
        Self {
            stop,
            tasks: vec![scheduler, sender, jobs],
        }
    }

    /// Stops claiming, finishes what is in flight, records it, and returns.
    pub async fn shutdown(self) {
        self.stop.cancel();
        for task in self.tasks {
            let _ = task.await;
        }
    }
}
