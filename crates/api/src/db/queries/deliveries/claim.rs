//! Claiming due deliveries, and the leases of those claimed: renewed while they wait, given
//! back unsent when a worker stops. Held deliveries (of a paused or cancelled run) are never due.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Nullable, Timestamp};
use mailroom_domain::delivery::DeliveryState;

use crate::db::DbConnection;
use crate::db::rows::ClaimedDelivery;
use crate::db::schema::{deliveries, runs};

pub(super) const CLAIM_POSTGRES: &str = "\
UPDATE deliveries AS d SET leased_until = $1, lease = $2
FROM (SELECT id FROM deliveries
      WHERE state = 'pending' AND next_attempt_at <= $3
        AND (leased_until IS NULL OR leased_until <= $3) AND ($4::bigint IS NULL OR run_id = $4)
        AND NOT held
        AND run_id NOT IN (SELECT id FROM runs WHERE finished_at IS NULL
                           AND (paused_at IS NOT NULL OR cancelled_at IS NOT NULL))
      ORDER BY next_attempt_at, id LIMIT $5
      FOR UPDATE SKIP LOCKED) AS due
WHERE d.id = due.id
RETURNING d.id, d.run_id, d.client_id, d.email, d.full_name, d.attempts";

// SQLite runs one writer at a time, so the statement alone makes the claim atomic.
pub(super) const CLAIM_SQLITE: &str = "\
UPDATE deliveries SET leased_until = ?1, lease = ?2
WHERE id IN (SELECT id FROM deliveries
             WHERE state = 'pending' AND next_attempt_at <= ?3
               AND (leased_until IS NULL OR leased_until <= ?3) AND (?4 IS NULL OR run_id = ?4)
               AND NOT held
               AND run_id NOT IN (SELECT id FROM runs WHERE finished_at IS NULL
                                  AND (paused_at IS NOT NULL OR cancelled_at IS NOT NULL))
             ORDER BY next_attempt_at, id LIMIT ?5)
RETURNING id, run_id, client_id, email, full_name, attempts";

/// A claim: up to `limit` due deliveries (of one run, or any), leased until `lease_until`.
#[derive(Debug, Clone, Copy)]
pub struct Claim {
    pub now: NaiveDateTime,
    pub lease_until: NaiveDateTime,
    pub lease: i64,
    pub limit: i64,
    pub only_run: Option<i64>,
}

/// The runs whose deliveries are never due: unfinished, and paused or cancelled (the claims'
/// SQL says the same). Their queued deliveries are held besides; this catches the few a worker
/// gave back or must retry since.
#[allow(clippy::type_complexity)]
fn held_runs() -> diesel::dsl::Select<
    diesel::dsl::Filter<
        runs::table,
        diesel::dsl::And<
            diesel::dsl::IsNull<runs::finished_at>,
            diesel::dsl::Or<
                diesel::dsl::IsNotNull<runs::paused_at>,
                diesel::dsl::IsNotNull<runs::cancelled_at>,
            >,
        >,
    >,
    runs::id,
> {
    runs::table
        .filter(
            runs::finished_at.is_null().and(
                runs::paused_at
                    .is_not_null()
                    .or(runs::cancelled_at.is_not_null()),
            ),
        )
        .select(runs::id)
}

/// Of these runs, those held: paused or cancelled, and not finished. A worker gives back the
/// deliveries it claimed of them and has not begun.
pub fn held_of(conn: &mut DbConnection, run_ids: &[i64]) -> QueryResult<Vec<i64>> {
    held_runs().filter(runs::id.eq_any(run_ids)).load(conn)
}

/// Holds the run's queued deliveries (its owner paused it) or lets them go again (resumed): held
/// ones are out of the due index, so claims never read past them.
///
/// Only those no live claim holds: the rows a worker is sending are its recorder's to write, and
/// locking them here as well would deadlock with it. The few it gives back or retries meanwhile
/// stay pending and unheld; the claims' check of the run skips them.
pub fn hold(
    conn: &mut DbConnection,
    run_id: i64,
    held: bool,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        deliveries::table
            .filter(deliveries::run_id.eq(run_id))
            .filter(deliveries::state.eq(DeliveryState::Pending))
            .filter(deliveries::held.eq(!held))
            .filter(
                deliveries::leased_until
                    .is_null()
                    .or(deliveries::leased_until.le(now)),
            ),
    )
    .set(deliveries::held.eq(held))
    .execute(conn)
}

/// Whether any delivery (of one run, or any) is due: cheap, and writes nothing.
pub fn any_due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    only_run: Option<i64>,
) -> QueryResult<bool> {
    let mut due = deliveries::table
        .filter(deliveries::state.eq(DeliveryState::Pending))
        .filter(deliveries::next_attempt_at.le(now))
        .filter(
            deliveries::leased_until
                .is_null()
                .or(deliveries::leased_until.le(now)),
        )
        // `NOT held`, the due index's own condition: SQLite uses a partial index only then.
        .filter(diesel::dsl::not(deliveries::held))
        .filter(diesel::dsl::not(deliveries::run_id.eq_any(held_runs())))
        .select(deliveries::id)
        .into_boxed();
    if let Some(run_id) = only_run {
        due = due.filter(deliveries::run_id.eq(run_id));
    }
    Ok(due.first::<i64>(conn).optional()?.is_some())
}

pub fn claim(conn: &mut DbConnection, claim: Claim) -> QueryResult<Vec<ClaimedDelivery>> {
    macro_rules! claim_with {
        ($conn:expr, $sql:expr) => {
            diesel::sql_query($sql)
                .bind::<Timestamp, _>(claim.lease_until)
                .bind::<BigInt, _>(claim.lease)
                .bind::<Timestamp, _>(claim.now)
                .bind::<Nullable<BigInt>, _>(claim.only_run)
                .bind::<BigInt, _>(claim.limit)
                .load::<ClaimedDelivery>($conn)
        };
    }
    match conn {
        DbConnection::Postgres(pg) => claim_with!(pg, CLAIM_POSTGRES),
        DbConnection::Sqlite(sqlite) => claim_with!(sqlite, CLAIM_SQLITE),
    }
}

// Rows another transaction holds are being recorded (they will not need their lease any more);
// waiting for them could deadlock with that commit, which locks its rows in another order.
pub(super) const RENEW_POSTGRES: &str = "\
UPDATE deliveries SET leased_until = $1
WHERE id IN (SELECT id FROM deliveries
             WHERE id = ANY($2) AND lease = $3 AND state = 'pending'
             FOR UPDATE SKIP LOCKED)";

/// Extends a claim's lease on the deliveries still in hand.
pub fn renew(
    conn: &mut DbConnection,
    lease: i64,
    ids: &[i64],
    until: NaiveDateTime,
) -> QueryResult<usize> {
    match conn {
        DbConnection::Postgres(pg) => diesel::sql_query(RENEW_POSTGRES)
            .bind::<Timestamp, _>(until)
            .bind::<Array<BigInt>, _>(ids)
            .bind::<BigInt, _>(lease)
            .execute(pg),
        DbConnection::Sqlite(_) => diesel::update(
            deliveries::table
                .filter(deliveries::id.eq_any(ids))
                .filter(deliveries::lease.eq(lease))
                .filter(deliveries::state.eq(DeliveryState::Pending)),
        )
        .set(deliveries::leased_until.eq(until))
        .execute(conn),
    }
}

/// Gives deliveries back unsent (a worker stopping): due again at once, for any worker.
pub fn release(conn: &mut DbConnection, lease: i64, ids: &[i64]) -> QueryResult<usize> {
    diesel::update(
        deliveries::table
            .filter(deliveries::id.eq_any(ids))
            .filter(deliveries::lease.eq(lease))
            .filter(deliveries::state.eq(DeliveryState::Pending)),
    )
    .set((
        deliveries::lease.eq(None::<i64>),
        deliveries::leased_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)
}
