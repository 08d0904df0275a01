//! Recording what became of a group of deliveries, with their attempts and their runs' figures.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::AstPass;
use diesel::sql_types::{Array, BigInt, Integer, Nullable, Text, Timestamp};
use mailroom_domain::AttemptStatus;
use mailroom_domain::delivery::DeliveryState;

use crate::db::DbConnection;
use crate::db::queries::prepared::{Binds, Prepared, unknown_placeholder};
use crate::db::queries::runs::{self as run_figures, Tally};

/// The outcome of one delivery as the worker records it.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub delivery_id: i64,
    pub lease: i64,
    /// The delivery's state after this outcome (`Pending` for a retry).
    pub state: DeliveryState,
    /// When to try again (retries), or when it ended.
    pub next_attempt_at: NaiveDateTime,
    /// The try, when one was made.
    pub attempt: Option<Attempt>,
    /// The server refused the address for good (a hard bounce): the recorder suppresses it.
    pub hard_bounce: bool,
}

/// One try, as it is kept.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub at: NaiveDateTime,
    pub status: AttemptStatus,
    /// The server's reply, or why there was none.
    pub response: String,
}

// A group of outcomes in one statement, kept prepared with a generic plan: five statements, each
// parsed and planned anew, made that a third of PostgreSQL's work while sending. The attempts read
// `deliveries` as the statement found them (run and address never change); runs are updated in id
// order. Placeholders appear once each, in order (see `Prepared`).
pub(super) const RECORD_POSTGRES: &str = "\
WITH v AS (
    SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::timestamp[],
                         $5::timestamp[], $6::text[], $7::text[])
        AS v(id, lease, state, next_at, tried_at, status, response)
), applied AS (
    UPDATE deliveries AS d
    SET state = v.state, attempts = d.attempts + (v.tried_at IS NOT NULL)::int,
        next_attempt_at = v.next_at, lease = NULL, leased_until = NULL, updated_at = $8
    FROM v
    WHERE d.id = v.id AND d.lease = v.lease AND d.state = 'pending'
    RETURNING d.run_id, d.state
), logged AS (
    INSERT INTO attempts (mailing_id, run_id, client_email, attempted_at, status, server_response)
    SELECT r.mailing_id, d.run_id, d.email, v.tried_at, v.status, v.response
    FROM v JOIN deliveries d ON d.id = v.id JOIN runs r ON r.id = d.run_id
    WHERE v.tried_at IS NOT NULL
), tally AS (
    SELECT run_id,
           count(*) FILTER (WHERE state = 'sent') AS sent,
           count(*) FILTER (WHERE state = 'failed') AS failed,
           count(*) FILTER (WHERE state = 'cancelled') AS cancelled,
           count(*) FILTER (WHERE state = 'suppressed') AS suppressed
    FROM applied WHERE state <> 'pending' GROUP BY run_id ORDER BY run_id
)
UPDATE runs AS r
SET sent = r.sent + t.sent, failed = r.failed + t.failed, cancelled = r.cancelled + t.cancelled,
    suppressed = r.suppressed + t.suppressed,
    finished_at = CASE
        WHEN r.finished_at IS NULL AND r.queued_up_to IS NULL
             AND r.sent + t.sent + r.failed + t.failed + r.cancelled + t.cancelled
                 + r.suppressed + t.suppressed >= r.total
        THEN $9 ELSE r.finished_at END
FROM tally AS t
WHERE r.id = t.run_id";

const ATTEMPT_SQLITE: &str = "\
INSERT INTO attempts (mailing_id, run_id, client_email, attempted_at, status, server_response)
SELECT r.mailing_id, d.run_id, d.email, ?2, ?3, ?4
FROM deliveries d JOIN runs r ON r.id = d.run_id
WHERE d.id = ?1";

pub(super) const OUTCOME_SQLITE: &str = "\
UPDATE deliveries
SET state = ?3, attempts = attempts + ?5, next_attempt_at = ?4, lease = NULL, leased_until = NULL,
    updated_at = ?6
WHERE id = ?1 AND lease = ?2 AND state = 'pending'
RETURNING run_id, state";

/// A delivery row an outcome was applied to.
#[derive(QueryableByName)]
struct Applied {
    #[diesel(sql_type = BigInt)]
    run_id: i64,
    #[diesel(sql_type = Text)]
    state: DeliveryState,
}

/// Records a group of outcomes, atomically: every try becomes an attempt (even one whose lease
/// was lost: the mail did go out), each delivery still held by its claim moves to its new state,
/// the runs' figures follow, and a run with nothing left pending is finished. Call inside a
/// write transaction (the recorder's, with the webhook events of the same outcomes).
pub fn record(
    conn: &mut DbConnection,
    outcomes: &[Outcome],
    now: NaiveDateTime,
) -> QueryResult<()> {
    if outcomes.is_empty() {
        return Ok(());
    }
    match conn {
        DbConnection::Postgres(pg) => {
            let record = Prepared {
                sql: RECORD_POSTGRES,
                binds: RecordBinds::new(outcomes, now),
            };
            // Generic plans for this transaction: planning the statement anew each time (the
            // connections' default) cost more than running it.
            diesel::sql_query("SET LOCAL plan_cache_mode = auto").execute(pg)?;
            record.execute(pg)?;
            Ok(())
        }
        DbConnection::Sqlite(_) => record_one_by_one(conn, outcomes, now),
    }
}

/// The values of `RECORD_POSTGRES`, one array per column of the outcomes.
struct RecordBinds {
    ids: Vec<i64>,
    leases: Vec<i64>,
    states: Vec<&'static str>,
    next_at: Vec<NaiveDateTime>,
    tried_at: Vec<Option<NaiveDateTime>>,
    statuses: Vec<Option<&'static str>>,
    responses: Vec<Option<String>>,
    now: NaiveDateTime,
}

impl RecordBinds {
    fn new(outcomes: &[Outcome], now: NaiveDateTime) -> Self {
        let mut binds = Self {
            ids: Vec::with_capacity(outcomes.len()),
            leases: Vec::with_capacity(outcomes.len()),
            states: Vec::with_capacity(outcomes.len()),
            next_at: Vec::with_capacity(outcomes.len()),
            tried_at: Vec::with_capacity(outcomes.len()),
            statuses: Vec::with_capacity(outcomes.len()),
            responses: Vec::with_capacity(outcomes.len()),
            now,
        };
        for o in outcomes {
            binds.ids.push(o.delivery_id);
            binds.leases.push(o.lease);
            binds.states.push(o.state.as_str());
            binds.next_at.push(o.next_attempt_at);
            let attempt = o.attempt.as_ref();
            binds.tried_at.push(attempt.map(|a| a.at));
            binds.statuses.push(attempt.map(|a| a.status.as_str()));
            binds.responses.push(attempt.map(|a| a.response.clone()));
        }
        binds
    }
}

impl Binds for RecordBinds {
    fn push<'b>(&'b self, number: usize, out: &mut AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        match number {
            1 => out.push_bind_param::<Array<BigInt>, _>(&self.ids),
            2 => out.push_bind_param::<Array<BigInt>, _>(&self.leases),
            3 => out.push_bind_param::<Array<Text>, _>(&self.states),
            4 => out.push_bind_param::<Array<Timestamp>, _>(&self.next_at),
            5 => out.push_bind_param::<Array<Nullable<Timestamp>>, _>(&self.tried_at),
            6 => out.push_bind_param::<Array<Nullable<Text>>, _>(&self.statuses),
            7 => out.push_bind_param::<Array<Nullable<Text>>, _>(&self.responses),
            8 | 9 => out.push_bind_param::<Timestamp, _>(&self.now),
            n => Err(unknown_placeholder(n)),
        }
    }
}

/// SQLite's way: a statement per outcome is cheap in-process, inside one transaction.
fn record_one_by_one(
    conn: &mut DbConnection,
    outcomes: &[Outcome],
    now: NaiveDateTime,
) -> QueryResult<()> {
    let mut tallies: HashMap<i64, Tally> = HashMap::new();
    for o in outcomes {
        let applied = diesel::sql_query(OUTCOME_SQLITE)
            .bind::<BigInt, _>(o.delivery_id)
            .bind::<BigInt, _>(o.lease)
            .bind::<Text, _>(o.state.as_str())
            .bind::<Timestamp, _>(o.next_attempt_at)
            .bind::<Integer, _>(i32::from(o.attempt.is_some()))
            .bind::<Timestamp, _>(now)
            .load::<Applied>(conn)?;
        if let Some(attempt) = &o.attempt {
            diesel::sql_query(ATTEMPT_SQLITE)
                .bind::<BigInt, _>(o.delivery_id)
                .bind::<Timestamp, _>(attempt.at)
                .bind::<Text, _>(attempt.status.as_str())
                .bind::<Text, _>(&attempt.response)
                .execute(conn)?;
        }
        for row in applied {
            tallies.entry(row.run_id).or_default().count(row.state);
        }
    }
    let mut touched: Vec<(i64, Tally)> = tallies.into_iter().collect();
    touched.sort_unstable_by_key(|(run_id, _)| *run_id);
    for (run_id, tally) in &touched {
        run_figures::add_to_figures(conn, *run_id, *tally)?;
    }
    let run_ids: Vec<i64> = touched.into_iter().map(|(run_id, _)| run_id).collect();
    run_figures::finish_done(conn, &run_ids, now)?;
    Ok(())
}
