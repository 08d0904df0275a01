//! The scheduler's tick: start the runs that are due and cancel what may no longer send. Any
//! number of processes may tick at once; each due slot still makes one run.

use chrono::NaiveDateTime;

use super::start::{StartError, start_scheduled};
use crate::cache::Cache;
use crate::db::queries::deliveries::{self, Scope};
use crate::db::queries::{mailings, runs};
use crate::db::{DbError, DbPool, run};

/// Due mailings handled per tick; the rest wait for the next one.
const DUE_PER_TICK: i64 = 100;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tick {
    /// Runs queued by this tick.
    pub started: Vec<i64>,
    /// Runs whose pending deliveries were cancelled because their mailing ended.
    pub ended: Vec<i64>,
}

pub async fn tick(pool: &DbPool, cache: &Cache, now: NaiveDateTime) -> Result<Tick, StartError> {
    let (tick, owners) = run(pool, move |conn| {
        let ended = deliveries::cancel(conn, Scope::Ended, now)?;
        if !ended.is_empty() {
            runs::finish_done(conn, &ended, now)?;
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
        let touched: Vec<i64> = started.iter().chain(&ended).copied().collect();
        let owners = runs::owners(conn, &touched)?;
        Ok::<_, StartError>((Tick { started, ended }, owners))
    })
    .await?;
    if !owners.is_empty() {
        cache.changed(owners).await;
    }
    Ok(tick)
}

/// Stops a mailing's sending now: its pending deliveries are cancelled (the ones a worker is
/// sending at this instant finish). For a disabled mailing or a blocked owner.
pub async fn cancel(pool: &DbPool, scope: Scope, now: NaiveDateTime) -> Result<usize, DbError> {
    run(pool, move |conn| {
        let runs_touched = deliveries::cancel(conn, scope, now)?;
        runs::finish_done(conn, &runs_touched, now)?;
        Ok(runs_touched.len())
    })
    .await
}
