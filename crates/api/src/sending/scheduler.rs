//! The scheduler's tick: start the runs that are due and cancel what may no longer send. Any
//! number of processes may tick at once; each due slot still makes one run.

use chrono::NaiveDateTime;

use super::queue;
use super::start::{StartError, start_scheduled, stop};
use crate::cache::Cache;
use crate::db::queries::deliveries::RunsOf;
use crate::db::queries::{mailings, runs};
use crate::db::{DbPool, blocking};

/// Due mailings handled per tick; the rest wait for the next one.
const DUE_PER_TICK: i64 = 100;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tick {
    /// Runs queued by this tick.
    pub started: Vec<i64>,
    /// Runs whose pending deliveries were cancelled: their mailing ended, or they were cancelled.
    pub ended: Vec<i64>,
    /// Runs made before, whose queueing this tick took up: a crash stopped it, or another
    /// process is still at it.
    pub queued_on: Vec<i64>,
}

pub async fn tick(pool: &DbPool, cache: &Cache, now: NaiveDateTime) -> Result<Tick, StartError> {
    let (tick, owners) = blocking(pool, move |conn| {
        let mut ended = stop(conn, RunsOf::Ended, now)?;
        // Deliveries of cancelled runs that a worker gave back or must retry: cancelled now.
        ended.extend(stop(conn, RunsOf::Cancelled, now)?);
        let queued_on = runs::queueing(conn)?;
        for &run in &queued_on {
            // One run that cannot be queued now keeps no other from being queued or started.
            if let Err(error) = queue::queue(conn, run, queue::BATCH, now) {
                tracing::error!(run, %error, "cannot queue on a run");
            }
        }
        let mut started = Vec::new();
        for mailing in mailings::due(conn, now, DUE_PER_TICK)? {
            match start_scheduled(conn, &mailing, now) {
                Ok(Some(run)) => started.push(run.id),
                Ok(None) => {}
                Err(error) => {
                    tracing::error!(mailing = mailing.id, %error, "cannot start a scheduled run");
                }
            }
        }
        let touched: Vec<i64> = started
            .iter()
            .chain(&ended)
            .chain(&queued_on)
            .copied()
            .collect();
        let owners = runs::owners(conn, &touched)?;
        let tick = Tick {
            started,
            ended,
            queued_on,
        };
        Ok::<_, StartError>((tick, owners))
    })
    .await?;
    if !owners.is_empty() {
        cache.changed(owners).await;
    }
    Ok(tick)
}
