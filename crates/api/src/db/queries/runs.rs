use chrono::NaiveDateTime;
use diesel::dsl::case_when;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text, Timestamp};
use mailroom_domain::UserState;
use mailroom_domain::delivery::DeliveryState;
use mailroom_domain::message::MessageFormat;

use super::audiences::{self, AudienceOf};
use super::clients::IdRange;
use super::suppressions;
use crate::db::DbConnection;
use crate::db::rows::{NewRun, RunRow};
use crate::db::schema::{clients, deliveries, mailings, messages, runs, users};

/// Creates a run of the mailing with nothing of its audience queued yet: `queue_next` queues it.
pub fn create(conn: &mut DbConnection, run: &NewRun) -> QueryResult<RunRow> {
    let id: i64 = diesel::insert_into(runs::table)
        .values((run, runs::queued_up_to.eq(Some(0_i64))))
        .returning(runs::id)
        .get_result(conn)?;
    find(conn, id)?.ok_or(diesel::result::Error::NotFound)
}

/// Whether a run's audience is queued whole now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queued {
    /// Up to this client id; more of the audience may follow.
    UpTo(i64),
    All,
}

/// What one batch queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Batch {
    /// Deliveries it queued.
    pub deliveries: i64,
    pub queued: Queued,
}

impl Batch {
    /// Nothing (more) to queue.
    pub const NONE: Batch = Batch {
        deliveries: 0,
        queued: Queued::All,
    };
}

/// Queues one delivery for each of the next `batch` clients of the run's audience, evaluated now,
/// in id order after `run.queued_up_to`, skipping (and counting) the unsubscribed: one
/// `INSERT … SELECT`, none of the clients read into the process. A paused run's new deliveries
/// are held, as pausing holds the ones before. Call with the run's mailing locked.
pub fn queue_next(
    conn: &mut DbConnection,
    run: &RunRow,
    audience: &AudienceOf,
    batch: i64,
    now: NaiveDateTime,
) -> QueryResult<Batch> {
    let Some(after) = run.queued_up_to else {
        return Ok(Batch::NONE);
    };
    let members = audiences::members(conn, audience)?;
    let rest = IdRange {
        after,
        up_to: i64::MAX,
    };
    // The batch's last client: the rest of the audience is the last batch when there is none.
    let last: Option<i64> = members
        .query_in(Some(rest))
        .order(clients::id)
        .offset(batch - 1)
        .select(clients::id)
        .first(conn)
        .optional()?;
    let range = IdRange {
        after,
        up_to: last.unwrap_or(i64::MAX),
    };
    let in_batch = || members.query_in(Some(range));
    let held = run.paused_at.is_some();
    let columns = (
        deliveries::run_id,
        deliveries::client_id,
        deliveries::email,
        deliveries::full_name,
        deliveries::next_attempt_at,
        deliveries::updated_at,
        deliveries::held,
        deliveries::state,
    );
    // Suppressed addresses are queued as deliveries already done, so that the run counts them
    // and its total still adds up; in one statement, so that a suppression added or removed
    // meanwhile never makes a client queued twice, or not at all.
    let state = case_when(
        suppressions::holds_client(),
        DeliveryState::Suppressed.into_sql::<Text>(),
    )
    .otherwise(DeliveryState::Pending.into_sql::<Text>());
    let states: Vec<DeliveryState> = diesel::insert_into(deliveries::table)
        .values(
            in_batch()
                .filter(clients::unsubscribed_at.is_null())
                .select((
                    run.id.into_sql::<BigInt>(),
                    clients::id.nullable(),
                    clients::email,
                    clients::full_name,
                    now.into_sql::<Timestamp>(),
                    now.into_sql::<Timestamp>(),
                    held.into_sql::<Bool>(),
                    state,
                )),
        )
        .into_columns(columns)
        .returning(deliveries::state)
        .get_results(conn)?;
    let total = states.len() as i64;
    let suppressed = states
        .iter()
        .filter(|s| **s == DeliveryState::Suppressed)
        .count() as i64;
    let skipped: i64 = in_batch()
        .filter(clients::unsubscribed_at.is_not_null())
        .count()
        .get_result(conn)?;
    diesel::update(runs::table.find(run.id))
        .set((
            runs::total.eq(runs::total + total),
            runs::suppressed.eq(runs::suppressed + suppressed),
            runs::skipped.eq(runs::skipped + skipped),
            runs::queued_up_to.eq(last),
        ))
        .execute(conn)?;
    Ok(Batch {
        deliveries: total,
        queued: last.map_or(Queued::All, Queued::UpTo),
    })
}

/// Ends the run's queueing where it is (its mailing may no longer send, or it was cancelled),
/// and finishes it when nothing it queued is pending.
pub fn stop_queueing(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(runs::table.find(id))
        .set(runs::queued_up_to.eq(None::<i64>))
        .execute(conn)?;
    finish_queued(conn, id, now)
}

/// Finishes a run queued whole whose deliveries are all done already; a run with none to send
/// (nobody, or only suppressed addresses) is over as soon as it starts.
pub fn finish_queued(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(
        runs::table
            .find(id)
            .filter(runs::started_at.is_null())
            .filter(runs::total.eq(runs::suppressed)),
    )
    .set(runs::started_at.eq(now))
    .execute(conn)?;
    finish_done(conn, &[id], now)?;
    Ok(())
}

/// Runs whose queueing is not over, oldest first: those a crash left half-queued, or that another
/// process is queueing now.
pub fn queueing(conn: &mut DbConnection) -> QueryResult<Vec<i64>> {
    // A finished run is queued whole: finishing waits for that.
    runs::table
        .filter(runs::queued_up_to.is_not_null())
        .order(runs::id)
        .select(runs::id)
        .load(conn)
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
            runs::suppressed.eq(runs::suppressed + tally.suppressed),
        ))
        .execute(conn)
}

/// Deliveries that reached a final state, by state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub sent: i64,
    pub failed: i64,
    pub cancelled: i64,
    pub suppressed: i64,
}

impl Tally {
    pub fn count(&mut self, state: DeliveryState) {
        match state {
            DeliveryState::Sent => self.sent += 1,
            DeliveryState::Failed => self.failed += 1,
            DeliveryState::Cancelled => self.cancelled += 1,
            DeliveryState::Suppressed => self.suppressed += 1,
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
        // One still being queued has more to come.
        .filter(runs::queued_up_to.is_null())
        .filter((runs::sent + runs::failed + runs::cancelled + runs::suppressed).ge(runs::total))
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
    pub format: MessageFormat,
    pub owner_email: String,
    pub owner_name: String,
    pub from_name: Option<String>,
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
            messages::format,
            users::email,
            users::full_name,
            mailings::from_name,
            users::state,
            mailings::disabled,
            mailings::ends_at,
        ))
        .load(conn)
}

/// Runs this big refresh the planner's statistics once they have queued as many.
pub const FRESH_STATISTICS_FROM: i64 = 1_000;

/// Once a big run's first batch is queued, tells PostgreSQL's planner that deliveries wait: with the
/// statistics of an emptier table it claims by sorting every due row (80 ms a claim at 100,000)
/// instead of reading the due index in order (under 10 ms). Autovacuum would only catch up after
/// the run. SQLite's planner needs no help.
pub fn refresh_statistics(conn: &mut DbConnection) -> QueryResult<()> {
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

/// These runs with their mailing's owner.
pub fn with_owners(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<(RunRow, i64)>> {
    runs::table
        .inner_join(mailings::table)
        .filter(runs::id.eq_any(ids))
        .order(runs::id)
        .select((RunRow::as_select(), mailings::owner_id))
        .load(conn)
}

/// The runs these deliveries belong to.
pub fn of_deliveries(conn: &mut DbConnection, delivery_ids: &[i64]) -> QueryResult<Vec<i64>> {
    deliveries::table
        .filter(deliveries::id.eq_any(delivery_ids))
        .select(deliveries::run_id)
        .distinct()
        .order(deliveries::run_id)
        .load(conn)
}
