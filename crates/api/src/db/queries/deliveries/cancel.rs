//! Cancelling deliveries that must not go: their mailing was disabled, its owner blocked, it
//! ended, or the client unsubscribed.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use mailroom_domain::delivery::DeliveryState;

use crate::db::DbConnection;
use crate::db::queries::runs::{self as run_figures, Tally};
use crate::db::schema::{deliveries, mailings, runs};

/// Which unfinished runs a cancellation covers.
#[derive(Debug, Clone, Copy)]
pub enum RunsOf {
    Mailing(i64),
    Owner(i64),
    /// Every mailing whose end time has passed.
    Ended,
    /// One run (its owner cancelled it).
    Run(i64),
    /// Every cancelled run not finished yet: what a worker gave back or must retry since.
    Cancelled,
}

/// Cancels the pending deliveries of unfinished runs in `scope` that no live claim holds (those
/// finish as they are), and returns the runs touched.
pub fn cancel(conn: &mut DbConnection, scope: RunsOf, now: NaiveDateTime) -> QueryResult<Vec<i64>> {
    let unfinished = runs::table
        .inner_join(mailings::table)
        .filter(runs::finished_at.is_null())
        .into_boxed();
    let unfinished = match scope {
        RunsOf::Mailing(id) => unfinished.filter(mailings::id.eq(id)),
        RunsOf::Owner(id) => unfinished.filter(mailings::owner_id.eq(id)),
        RunsOf::Ended => unfinished.filter(mailings::ends_at.le(now)),
        RunsOf::Run(id) => unfinished.filter(runs::id.eq(id)),
        RunsOf::Cancelled => unfinished.filter(runs::cancelled_at.is_not_null()),
    };
    let run_ids: Vec<i64> = unfinished.select(runs::id).order(runs::id).load(conn)?;
    for &run_id in &run_ids {
        cancel_waiting(conn, run_id, None, now)?;
    }
    Ok(run_ids)
}

/// Cancels the deliveries to one client that no live claim holds (the client unsubscribed).
pub fn cancel_for_client(
    conn: &mut DbConnection,
    client_id: i64,
    now: NaiveDateTime,
) -> QueryResult<Vec<i64>> {
    let run_ids: Vec<i64> = deliveries::table
        .filter(deliveries::client_id.eq(client_id))
        .filter(deliveries::state.eq(DeliveryState::Pending))
        .select(deliveries::run_id)
        .distinct()
        .order(deliveries::run_id)
        .load(conn)?;
    // In id order, as every cancellation: two of them never wait on each other's runs.
    for &run_id in &run_ids {
        cancel_waiting(conn, run_id, Some(client_id), now)?;
    }
    Ok(run_ids)
}

/// Cancels a run's pending deliveries (to one client, or all) that no live claim holds, and
/// counts them in the run's figures.
fn cancel_waiting(
    conn: &mut DbConnection,
    run_id: i64,
    client_id: Option<i64>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let mut waiting = diesel::update(deliveries::table)
        .filter(deliveries::run_id.eq(run_id))
        .filter(deliveries::state.eq(DeliveryState::Pending))
        .filter(
            deliveries::leased_until
                .is_null()
                .or(deliveries::leased_until.le(now)),
        )
        .into_boxed();
    if let Some(client_id) = client_id {
        waiting = waiting.filter(deliveries::client_id.eq(client_id));
    }
    let cancelled = waiting
        .set((
            deliveries::state.eq(DeliveryState::Cancelled),
            deliveries::lease.eq(None::<i64>),
            deliveries::leased_until.eq(None::<NaiveDateTime>),
            deliveries::updated_at.eq(now),
        ))
        .execute(conn)?;
    let tally = Tally {
        cancelled: cancelled as i64,
        ..Tally::default()
    };
    run_figures::add_to_figures(conn, run_id, tally)?;
    Ok(())
}
