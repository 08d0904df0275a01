use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Timestamp};
use mailroom_domain::UserState;
use mailroom_domain::delivery::DeliveryState;

use super::audiences::{self, AudienceOf};
use crate::db::DbConnection;
use crate::db::rows::{NewRun, RunRow};
use crate::db::schema::{clients, deliveries, mailings, messages, runs, users};

/// Creates a run of the mailing and queues one delivery per client of its audience, evaluated
/// now, that has not unsubscribed: one `INSERT … SELECT`, however many clients there are, none
/// of them read into the process.
pub fn create(conn: &mut DbConnection, run: &NewRun, audience: &AudienceOf) -> QueryResult<RunRow> {
    let run_id: i64 = diesel::insert_into(runs::table)
        .values(run)
        .returning(runs::id)
        .get_result(conn)?;
    let now = run.created_at;
    let backend = conn.backend();
    let queued = audiences::members(audience, backend)
        .filter(clients::unsubscribed_at.is_null())
        .select((
            run_id.into_sql::<BigInt>(),
            clients::id.nullable(),
            clients::email,
            clients::full_name,
            now.into_sql::<Timestamp>(),
            now.into_sql::<Timestamp>(),
        ));
    let total = diesel::insert_into(deliveries::table)
        .values(queued)
        .into_columns((
            deliveries::run_id,
            deliveries::client_id,
            deliveries::email,
            deliveries::full_name,
            deliveries::next_attempt_at,
            deliveries::updated_at,
        ))
        .execute(conn)? as i64;
    let clients: i64 = audiences::members(audience, backend)
        .count()
        .get_result(conn)?;
    // A run with nothing to send is over as soon as it starts.
    let finished = (total == 0).then_some(now);
    diesel::update(runs::table.find(run_id))
        .set((
            runs::total.eq(total),
            runs::skipped.eq(clients - total),
            runs::started_at.eq(finished),
            runs::finished_at.eq(finished),
        ))
        .execute(conn)?;
    find(conn, run_id).map(|r| r.expect("the run was just created"))
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<RunRow>> {
    runs::table
        .find(id)
        .select(RunRow::as_select())
        .first(conn)
        .optional()
}

/// The mailing's runs, newest first.
pub fn list(
    conn: &mut DbConnection,
    mailing_id: i64,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<RunRow>, i64)> {
    let total = runs::table
        .filter(runs::mailing_id.eq(mailing_id))
        .count()
        .get_result(conn)?;
    let rows = runs::table
        .filter(runs::mailing_id.eq(mailing_id))
        .order((runs::created_at.desc(), runs::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(RunRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Marks the run cancelled (and no longer paused): nothing of it is claimed again.
pub fn set_cancelled(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(runs::table.find(id))
        .set((
            runs::cancelled_at.eq(Some(now)),
            runs::paused_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
}

/// Pauses the run (`Some`: since then) or resumes it (`None`).
pub fn set_paused(
    conn: &mut DbConnection,
    id: i64,
    paused_at: Option<NaiveDateTime>,
) -> QueryResult<usize> {
    diesel::update(runs::table.find(id))
        .set(runs::paused_at.eq(paused_at))
        .execute(conn)
}

/// A run of the mailing that is still sending, if any.
pub fn unfinished(conn: &mut DbConnection, mailing_id: i64) -> QueryResult<Option<i64>> {
    runs::table
        .filter(runs::mailing_id.eq(mailing_id))
        .filter(runs::finished_at.is_null())
        .select(runs::id)
        .first(conn)
        .optional()
}

/// Each mailing's latest run (the one made last), for the mailings that have one.
pub fn latest(conn: &mut DbConnection, mailing_ids: &[i64]) -> QueryResult<Vec<RunRow>> {
    let ids: Vec<Option<i64>> = runs::table
        .filter(runs::mailing_id.eq_any(mailing_ids))
        .group_by(runs::mailing_id)
        .select(diesel::dsl::max(runs::id))
        .load(conn)?;
    let ids: Vec<i64> = ids.into_iter().flatten().collect();
    runs::table
        .filter(runs::id.eq_any(ids))
        .select(RunRow::as_select())
        .load(conn)
}

/// The latest schedule slot a run was made for.
pub fn last_slot(conn: &mut DbConnection, mailing_id: i64) -> QueryResult<Option<NaiveDateTime>> {
    runs::table
        .filter(runs::mailing_id.eq(mailing_id))
        .select(diesel::dsl::max(runs::scheduled_for))
        .first(conn)
}

/// Moves a run's figures by what a batch of outcomes or a cancellation changed.
pub fn add_to_figures(conn: &mut DbConnection, run_id: i64, tally: Tally) -> QueryResult<usize> {
    if tally == Tally::default() {
        return Ok(0);
    }
    diesel::update(runs::table.find(run_id))
        .set((
            runs::sent.eq(runs::sent + tally.sent),
            runs::failed.eq(runs::failed + tally.failed),
            runs::cancelled.eq(runs::cancelled + tally.cancelled),
        ))
        .execute(conn)
}

/// Deliveries that reached a final state, by state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub sent: i64,
    pub failed: i64,
    pub cancelled: i64,
}

impl Tally {
    pub fn count(&mut self, state: DeliveryState) {
        match state {
            DeliveryState::Sent => self.sent += 1,
            DeliveryState::Failed => self.failed += 1,
            DeliveryState::Cancelled => self.cancelled += 1,
            DeliveryState::Pending => {}
        }
    }
}

/// Marks runs as started at their first claim.
pub fn mark_started(
    conn: &mut DbConnection,
    run_ids: &[i64],
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        runs::table
            .filter(runs::id.eq_any(run_ids))
            .filter(runs::started_at.is_null()),
    )
    .set(runs::started_at.eq(now))
    .execute(conn)
}

/// Marks runs as finished once none of their deliveries is pending.
pub fn finish_done(
    conn: &mut DbConnection,
    run_ids: &[i64],
    now: NaiveDateTime,
) -> QueryResult<usize> {
    if run_ids.is_empty() {
        return Ok(0);
    }
    let done: Vec<i64> = runs::table
        .filter(runs::id.eq_any(run_ids))
        .filter(runs::finished_at.is_null())
        .filter((runs::sent + runs::failed + runs::cancelled).ge(runs::total))
        .select(runs::id)
        .load(conn)?;
    if done.is_empty() {
        return Ok(0);
    }
    // A finished run is no longer paused: the paused ones, which claims skip, stay a handful.
    diesel::update(
        runs::table
            .filter(runs::id.eq_any(&done))
            .filter(runs::finished_at.is_null()),
    )
    .set((
        runs::finished_at.eq(now),
        runs::paused_at.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)
}

/// What a worker needs to compose a run's mail: the message, the owner (for Reply-To).
#[derive(Debug, Clone, Queryable)]
pub struct RunContent {
    pub run_id: i64,
    pub mailing_id: i64,
    pub owner_id: i64,
    pub subject: String,
    pub body: String,
    pub owner_email: String,
    pub owner_name: String,
    pub owner_state: UserState,
    pub disabled: bool,
    pub ends_at: NaiveDateTime,
}

pub fn contents(conn: &mut DbConnection, run_ids: &[i64]) -> QueryResult<Vec<RunContent>> {
    runs::table
        .inner_join(mailings::table)
        .inner_join(messages::table.on(messages::id.eq(mailings::message_id)))
        .inner_join(users::table.on(users::id.eq(mailings::owner_id)))
        .filter(runs::id.eq_any(run_ids))
        .select((
            runs::id,
            mailings::id,
            mailings::owner_id,
            messages::subject,
            messages::body,
            users::email,
            users::full_name,
            users::state,
            mailings::disabled,
            mailings::ends_at,
        ))
        .load(conn)
}

/// Runs at least this big refresh the planner's statistics once queued.
const FRESH_STATISTICS_FROM: i64 = 1_000;

/// After a big run is queued, tells PostgreSQL's planner how many deliveries wait: with the
/// statistics of an emptier table it claims by sorting every due row (80 ms a claim at 100,000)
/// instead of reading the due index in order (under 10 ms). Autovacuum would only catch up after
/// the run. SQLite's planner needs no help.
pub fn refresh_statistics(conn: &mut DbConnection, queued: i64) -> QueryResult<()> {
    if queued < FRESH_STATISTICS_FROM {
        return Ok(());
    }
    match conn {
        DbConnection::Postgres(pg) => diesel::sql_query("ANALYZE deliveries")
            .execute(pg)
            .map(|_| ()),
        DbConnection::Sqlite(_) => Ok(()),
    }
}

/// The owners of these runs' mailings, each once: whose cached figures the runs change.
pub fn owners(conn: &mut DbConnection, run_ids: &[i64]) -> QueryResult<Vec<i64>> {
    if run_ids.is_empty() {
        return Ok(Vec::new());
    }
    runs::table
        .inner_join(mailings::table)
        .filter(runs::id.eq_any(run_ids))
        .select(mailings::owner_id)
        .distinct()
        .load(conn)
}
