//! The periodic clean-up, a background job that any number of workers share (one waits at a time;
//! see `Runner::every`): one-time links a week after they expired, refresh-token families whose
//! every token expired, `Idempotency-Key` answers past their day, webhook deliveries that are over
//! and a month old, and, with `ATTEMPTS_RETENTION_DAYS`, attempts older than that. Each goes in
//! batches of short statements.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{NaiveDateTime, TimeDelta};
use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::db::queries::housekeeping;
use crate::db::{DbConnection, DbError, DbPool, blocking};
use crate::jobs::BackgroundJob;

/// How often it runs.
pub const EVERY: Duration = Duration::from_secs(10 * 60);
/// Rows per statement.
const BATCH: i64 = 500;
/// A run stops starting batches after this long; the next run goes on.
const BUDGET: Duration = Duration::from_secs(20);
/// An expired link is kept a week, so a late click is told it expired rather than unknown.
const LINKS_KEPT_AFTER_EXPIRY: TimeDelta = TimeDelta::days(7);
/// Webhook deliveries that are over stay in their endpoint's log this long.
pub const WEBHOOK_DELIVERIES_KEPT: TimeDelta = TimeDelta::days(30);

/// The job. It carries nothing: what it does depends only on the time and the settings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Housekeeping;

#[derive(Clone)]
pub struct HousekeepingContext {
    pub pool: DbPool,
    pub clock: Arc<dyn Clock>,
    /// `ATTEMPTS_RETENTION_DAYS`; None keeps every attempt.
    pub attempts_retention: Option<TimeDelta>,
}

type Task = fn(&mut DbConnection, NaiveDateTime, i64) -> diesel::QueryResult<usize>;

impl BackgroundJob for Housekeeping {
    const JOB_TYPE: &'static str = "housekeeping";
    /// Last: nobody waits for it.
    const PRIORITY: i32 = -10;
    type Context = HousekeepingContext;

    async fn run(self, context: HousekeepingContext) -> Result<(), String> {
        let now = context.clock.now();
        let mut tasks: Vec<(&str, Task, NaiveDateTime)> = vec![
            ("links", housekeeping::links, now - LINKS_KEPT_AFTER_EXPIRY),
            (
                "refresh token families",
                housekeeping::refresh_families,
                now,
            ),
            (
                "idempotency keys",
                housekeeping::idempotency_keys,
                now - mailroom_domain::idempotency::KEPT_FOR,
            ),
            (
                "webhook deliveries",
                housekeeping::webhook_deliveries,
                now - WEBHOOK_DELIVERIES_KEPT,
            ),
        ];
        if let Some(kept) = context.attempts_retention {
            tasks.push(("attempts", housekeeping::attempts, now - kept));
        }
        let started = Instant::now();
        for (what, task, before) in tasks {
            let mut deleted = 0;
            loop {
                let n = blocking(&context.pool, move |conn| {
                    Ok::<_, DbError>(task(conn, before, BATCH)?)
                })
                .await
                .map_err(|e| format!("housekeeping of {what}: {e}"))?;
                deleted += n;
                if n < usize::try_from(BATCH).unwrap_or(usize::MAX) || started.elapsed() > BUDGET {
                    break;
                }
            }
            if deleted > 0 {
                tracing::info!(what, deleted, "housekeeping");
            }
        }
        Ok(())
    }
}
