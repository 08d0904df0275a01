//! The delivery queue. A claim is a lease: the claimed rows stay `pending` with `next_attempt_at`
//! moved to the lease's end and `lease` set to the claim's token. Only that claim can record an
//! outcome; if its worker dies, the rows fall due again when the lease runs out.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Integer, Nullable, Text, Timestamp};

use std::collections::HashMap;

use crate::db::DbConnection;
use crate::db::queries::runs::{self as run_figures, Tally};
use crate::db::rows::ClaimedDelivery;
use crate::db::schema::{deliveries, mailings, runs};

const CLAIM_POSTGRES: &str = "\
UPDATE deliveries AS d SET next_attempt_at = $1, lease = $2
FROM (SELECT id FROM deliveries
      WHERE state = 'pending' AND next_attempt_at <= $3 AND ($4::bigint IS NULL OR run_id = $4)
      ORDER BY next_attempt_at, id LIMIT $5
      FOR UPDATE SKIP LOCKED) AS due
WHERE d.id = due.id
RETURNING d.id, d.run_id, d.client_id, d.email, d.full_name, d.attempts";

// SQLite runs one writer at a time, so the statement alone makes the claim atomic.
const CLAIM_SQLITE: &str = "\
UPDATE deliveries SET next_attempt_at = ?1, lease = ?2
WHERE id IN (SELECT id FROM deliveries
             WHERE state = 'pending' AND next_attempt_at <= ?3 AND (?4 IS NULL OR run_id = ?4)
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

pub fn claim(conn: &mut DbConnection, claim: Claim) -> QueryResult<Vec<ClaimedDelivery>> {
    // Look before writing: an idle worker polls often, and on SQLite even an UPDATE that changes
    // nothing takes the database's one write lock from the people using the app.
    let mut due = deliveries::table
        .filter(deliveries::state.eq("pending"))
        .filter(deliveries::next_attempt_at.le(claim.now))
        .select(deliveries::id)
        .into_boxed();
    if let Some(run_id) = claim.only_run {
        due = due.filter(deliveries::run_id.eq(run_id));
    }
    if due.first::<i64>(conn).optional()?.is_none() {
        return Ok(Vec::new());
    }
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

/// The outcome of one delivery as the worker records it.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub delivery_id: i64,
    pub lease: i64,
    /// The delivery's state after this outcome (`pending` for a retry).
    pub state: &'static str,
    /// When to try again (retries), or when it ended.
    pub next_attempt_at: NaiveDateTime,
    /// The try, when one was made: (time, `success` or `failure`, the server's reply).
    pub attempt: Option<(NaiveDateTime, &'static str, String)>,
}

const ATTEMPTS_POSTGRES: &str = "\
INSERT INTO attempts (mailing_id, run_id, client_id, client_email, attempted_at, status, server_response)
SELECT r.mailing_id, d.run_id, d.client_id, d.email, v.at, v.status, v.response
FROM unnest($1::bigint[], $2::timestamp[], $3::text[], $4::text[]) AS v(id, at, status, response)
JOIN deliveries d ON d.id = v.id
JOIN runs r ON r.id = d.run_id";

const OUTCOMES_POSTGRES: &str = "\
UPDATE deliveries AS d
SET state = v.state, attempts = d.attempts + v.tried, next_attempt_at = v.next_at, lease = NULL,
    updated_at = $6
FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::timestamp[], $5::int[])
     AS v(id, lease, state, next_at, tried)
WHERE d.id = v.id AND d.lease = v.lease AND d.state = 'pending'
RETURNING d.run_id, d.state";

const ATTEMPT_SQLITE: &str = "\
INSERT INTO attempts (mailing_id, run_id, client_id, client_email, attempted_at, status, server_response)
SELECT r.mailing_id, d.run_id, d.client_id, d.email, ?2, ?3, ?4
FROM deliveries d JOIN runs r ON r.id = d.run_id
WHERE d.id = ?1";

const OUTCOME_SQLITE: &str = "\
UPDATE deliveries
SET state = ?3, attempts = attempts + ?5, next_attempt_at = ?4, lease = NULL, updated_at = ?6
WHERE id = ?1 AND lease = ?2 AND state = 'pending'
RETURNING run_id, state";

/// A delivery row an outcome was applied to.
#[derive(QueryableByName)]
struct Applied {
    #[diesel(sql_type = BigInt)]
    run_id: i64,
    #[diesel(sql_type = Text)]
    state: String,
}

/// Records a batch of outcomes: every try becomes an attempt (even one whose lease was lost: the
/// mail did go out), each delivery still held by its claim moves to its new state, and the runs'
/// figures follow. Attempts take the client from the delivery row, so a client deleted meanwhile
/// is no error. Returns the runs touched.
pub fn record(
    conn: &mut DbConnection,
    outcomes: &[Outcome],
    now: NaiveDateTime,
) -> QueryResult<Vec<i64>> {
    let mut tallies: HashMap<i64, Tally> = HashMap::new();
    let tried = |o: &Outcome| i32::from(o.attempt.is_some());
    match conn {
        DbConnection::Postgres(pg) => {
            let attempts: Vec<_> = outcomes
                .iter()
                .filter_map(|o| o.attempt.as_ref().map(|a| (o.delivery_id, a)))
                .collect();
            if !attempts.is_empty() {
                diesel::sql_query(ATTEMPTS_POSTGRES)
                    .bind::<Array<BigInt>, _>(attempts.iter().map(|a| a.0).collect::<Vec<_>>())
                    .bind::<Array<Timestamp>, _>(attempts.iter().map(|a| a.1.0).collect::<Vec<_>>())
                    .bind::<Array<Text>, _>(attempts.iter().map(|a| a.1.1).collect::<Vec<_>>())
                    .bind::<Array<Text>, _>(
                        attempts.iter().map(|a| a.1.2.as_str()).collect::<Vec<_>>(),
                    )
                    .execute(pg)?;
            }
            let applied: Vec<Applied> = diesel::sql_query(OUTCOMES_POSTGRES)
                .bind::<Array<BigInt>, _>(
                    outcomes.iter().map(|o| o.delivery_id).collect::<Vec<_>>(),
                )
                .bind::<Array<BigInt>, _>(outcomes.iter().map(|o| o.lease).collect::<Vec<_>>())
                .bind::<Array<Text>, _>(outcomes.iter().map(|o| o.state).collect::<Vec<_>>())
                .bind::<Array<Timestamp>, _>(
                    outcomes
                        .iter()
                        .map(|o| o.next_attempt_at)
                        .collect::<Vec<_>>(),
                )
                .bind::<Array<Integer>, _>(outcomes.iter().map(tried).collect::<Vec<_>>())
                .bind::<Timestamp, _>(now)
                .load(pg)?;
            for row in applied {
                tallies.entry(row.run_id).or_default().count(&row.state);
            }
        }
        DbConnection::Sqlite(sqlite) => {
            for o in outcomes {
                if let Some((at, status, response)) = &o.attempt {
                    diesel::sql_query(ATTEMPT_SQLITE)
                        .bind::<BigInt, _>(o.delivery_id)
                        .bind::<Timestamp, _>(*at)
                        .bind::<Text, _>(*status)
                        .bind::<Text, _>(response)
                        .execute(sqlite)?;
                }
                let applied = diesel::sql_query(OUTCOME_SQLITE)
                    .bind::<BigInt, _>(o.delivery_id)
                    .bind::<BigInt, _>(o.lease)
                    .bind::<Text, _>(o.state)
                    .bind::<Timestamp, _>(o.next_attempt_at)
                    .bind::<Integer, _>(tried(o))
                    .bind::<Timestamp, _>(now)
                    .load::<Applied>(sqlite)?;
                for row in applied {
                    tallies.entry(row.run_id).or_default().count(&row.state);
                }
            }
        }
    }
    // In id order: two batches committing at once must lock the runs' rows in the same order.
    let mut touched: Vec<(i64, Tally)> = tallies.into_iter().collect();
    touched.sort_unstable_by_key(|(run_id, _)| *run_id);
    for (run_id, tally) in &touched {
        run_figures::add_to_figures(conn, *run_id, *tally)?;
    }
    Ok(touched.into_iter().map(|(run_id, _)| run_id).collect())
}

/// Extends a claim's lease on the deliveries still in hand.
pub fn renew(
    conn: &mut DbConnection,
    lease: i64,
    ids: &[i64],
    until: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        deliveries::table
            .filter(deliveries::id.eq_any(ids))
            .filter(deliveries::lease.eq(lease))
            .filter(deliveries::state.eq("pending")),
    )
    .set(deliveries::next_attempt_at.eq(until))
    .execute(conn)
}

/// Gives deliveries back unsent (a worker stopping): due again at once, for any worker.
pub fn release(
    conn: &mut DbConnection,
    lease: i64,
    ids: &[i64],
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        deliveries::table
            .filter(deliveries::id.eq_any(ids))
            .filter(deliveries::lease.eq(lease))
            .filter(deliveries::state.eq("pending")),
    )
    .set((
        deliveries::next_attempt_at.eq(now),
        deliveries::lease.eq(None::<i64>),
    ))
    .execute(conn)
}

/// Which unfinished runs a cancellation covers.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    Mailing(i64),
    Owner(i64),
    /// Every mailing whose end time has passed.
    Ended,
}

/// Cancels the pending deliveries of unfinished runs in `scope` that no live claim holds (those
/// finish as they are), and returns the runs touched.
pub fn cancel(conn: &mut DbConnection, scope: Scope, now: NaiveDateTime) -> QueryResult<Vec<i64>> {
    let unfinished = runs::table
        .inner_join(mailings::table)
        .filter(runs::finished_at.is_null())
        .into_boxed();
    let unfinished = match scope {
        Scope::Mailing(id) => unfinished.filter(mailings::id.eq(id)),
        Scope::Owner(id) => unfinished.filter(mailings::owner_id.eq(id)),
        Scope::Ended => unfinished.filter(mailings::ends_at.le(now)),
    };
    let run_ids: Vec<i64> = unfinished.select(runs::id).load(conn)?;
    for &run_id in &run_ids {
        let cancelled = diesel::update(
            deliveries::table
                .filter(deliveries::run_id.eq(run_id))
                .filter(deliveries::state.eq("pending"))
                .filter(
                    deliveries::lease
                        .is_null()
                        .or(deliveries::next_attempt_at.le(now)),
                ),
        )
        .set((
            deliveries::state.eq("cancelled"),
            deliveries::lease.eq(None::<i64>),
            deliveries::updated_at.eq(now),
        ))
        .execute(conn)?;
        let tally = Tally {
            cancelled: cancelled as i64,
            ..Tally::default()
        };
        run_figures::add_to_figures(conn, run_id, tally)?;
    }
    Ok(run_ids)
}

/// Cancels the deliveries to one client that no live claim holds (the client unsubscribed).
pub fn cancel_for_client(
    conn: &mut DbConnection,
    client_id: i64,
    now: NaiveDateTime,
) -> QueryResult<Vec<i64>> {
    let waiting: Vec<(i64, i64)> = deliveries::table
        .filter(deliveries::client_id.eq(client_id))
        .filter(deliveries::state.eq("pending"))
        .filter(
            deliveries::lease
                .is_null()
                .or(deliveries::next_attempt_at.le(now)),
        )
        .select((deliveries::id, deliveries::run_id))
        .load(conn)?;
    let mut run_ids = Vec::new();
    for (id, run_id) in waiting {
        let cancelled = diesel::update(
            deliveries::table
                .find(id)
                .filter(deliveries::state.eq("pending")),
        )
        .set((
            deliveries::state.eq("cancelled"),
            deliveries::lease.eq(None::<i64>),
            deliveries::updated_at.eq(now),
        ))
        .execute(conn)?;
        let tally = Tally {
            cancelled: cancelled as i64,
            ..Tally::default()
        };
        run_figures::add_to_figures(conn, run_id, tally)?;
        run_ids.push(run_id);
    }
    Ok(run_ids)
}
