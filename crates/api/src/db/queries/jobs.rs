//! The background job queue (`crate::jobs`): one row per job, claimed with a lease.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text, Timestamp};

use crate::db::DbConnection;
use crate::db::rows::JobRow;
use crate::db::schema::background_jobs;

pub fn insert(
    conn: &mut DbConnection,
    job_type: &str,
    payload: &str,
    priority: i32,
    now: NaiveDateTime,
    run_at: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(background_jobs::table)
        .values((
            background_jobs::job_type.eq(job_type),
            background_jobs::payload.eq(payload),
            background_jobs::priority.eq(priority),
            background_jobs::run_at.eq(run_at),
            background_jobs::created_at.eq(now),
        ))
        .returning(background_jobs::id)
        .get_result(conn)
}

/// Writes a job under `key` unless one under it is waiting or running; whether it was written.
/// One statement, so two workers writing at once leave one row.
pub fn insert_unique(
    conn: &mut DbConnection,
    key: &str,
    job_type: &str,
    payload: &str,
    priority: i32,
    now: NaiveDateTime,
    run_at: NaiveDateTime,
) -> QueryResult<bool> {
    macro_rules! insert_with {
        ($conn:expr, $sql:expr) => {
            diesel::sql_query($sql)
                .bind::<Text, _>(job_type)
                .bind::<Text, _>(payload)
                .bind::<Integer, _>(priority)
                .bind::<Timestamp, _>(run_at)
                .bind::<Timestamp, _>(now)
                .bind::<Text, _>(key)
                .execute($conn)
        };
    }
    let written = match conn {
        DbConnection::Postgres(pg) => insert_with!(pg, INSERT_UNIQUE_POSTGRES),
        DbConnection::Sqlite(sqlite) => insert_with!(sqlite, INSERT_UNIQUE_SQLITE),
    }?;
    Ok(written == 1)
}

// Without a conflict target, DO NOTHING covers the partial unique index on `unique_key`.
const INSERT_UNIQUE_POSTGRES: &str = "\
INSERT INTO background_jobs (job_type, payload, priority, run_at, created_at, unique_key)
VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING";

const INSERT_UNIQUE_SQLITE: &str = "\
INSERT INTO background_jobs (job_type, payload, priority, run_at, created_at, unique_key)
VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING";

const CLAIM_POSTGRES: &str = "\
UPDATE background_jobs SET lease = $1, leased_until = $2, attempts = attempts + 1
WHERE id = (SELECT id FROM background_jobs
            WHERE failed_at IS NULL AND run_at <= $3 AND (leased_until IS NULL OR leased_until <= $3)
              AND attempts < $4
            ORDER BY priority DESC, run_at, id LIMIT 1
            FOR UPDATE SKIP LOCKED)
RETURNING id, job_type, payload, priority, attempts, run_at, lease, leased_until, last_error,
          failed_at, created_at";

// SQLite runs one writer at a time: the statement alone makes the claim atomic.
const CLAIM_SQLITE: &str = "\
UPDATE background_jobs SET lease = ?1, leased_until = ?2, attempts = attempts + 1
WHERE id = (SELECT id FROM background_jobs
            WHERE failed_at IS NULL AND run_at <= ?3 AND (leased_until IS NULL OR leased_until <= ?3)
              AND attempts < ?4
            ORDER BY priority DESC, run_at, id LIMIT 1)
RETURNING id, job_type, payload, priority, attempts, run_at, lease, leased_until, last_error,
          failed_at, created_at";

/// Gives up the jobs whose lease ran out on their last try: their process died during every one
/// of them (the job itself may be what kills it), and claiming them again would go on forever.
pub fn give_up_crash_loops(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    max_attempts: i32,
) -> QueryResult<usize> {
    diesel::update(
        background_jobs::table
            .filter(background_jobs::failed_at.is_null())
            .filter(background_jobs::attempts.ge(max_attempts))
            .filter(background_jobs::leased_until.le(now)),
    )
    .set((
        background_jobs::lease.eq(None::<i64>),
        background_jobs::leased_until.eq(None::<NaiveDateTime>),
        background_jobs::last_error
            .eq(Some("its process stopped before it finished, on every try")),
        background_jobs::failed_at.eq(Some(now)),
    ))
    .execute(conn)
}

/// The next due job with tries left, leased to `lease` until `until` (its try counted), if any.
pub fn claim(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    until: NaiveDateTime,
    lease: i64,
    max_attempts: i32,
) -> QueryResult<Option<JobRow>> {
    macro_rules! claim_with {
        ($conn:expr, $sql:expr) => {
            diesel::sql_query($sql)
                .bind::<BigInt, _>(lease)
                .bind::<Timestamp, _>(until)
                .bind::<Timestamp, _>(now)
                .bind::<diesel::sql_types::Integer, _>(max_attempts)
                .get_result::<JobRow>($conn)
                .optional()
        };
    }
    match conn {
        DbConnection::Postgres(pg) => claim_with!(pg, CLAIM_POSTGRES),
        DbConnection::Sqlite(sqlite) => claim_with!(sqlite, CLAIM_SQLITE),
    }
}

/// A job done: gone, unless its lease was lost to another claim meanwhile.
pub fn done(conn: &mut DbConnection, id: i64, lease: i64) -> QueryResult<usize> {
    diesel::delete(
        background_jobs::table
            .filter(background_jobs::id.eq(id))
            .filter(background_jobs::lease.eq(lease)),
    )
    .execute(conn)
}

/// A periodic job done: its row waits for `run_at`, its tries counted afresh, with the payload
/// and priority this version registers (the row outlives versions), unless its lease was lost to
/// another claim meanwhile.
pub fn reschedule(
    conn: &mut DbConnection,
    id: i64,
    lease: i64,
    payload: &str,
    priority: i32,
    run_at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        background_jobs::table
            .filter(background_jobs::id.eq(id))
            .filter(background_jobs::lease.eq(lease)),
    )
    .set((
        background_jobs::run_at.eq(run_at),
        background_jobs::payload.eq(payload),
        background_jobs::priority.eq(priority),
        background_jobs::attempts.eq(0),
        background_jobs::lease.eq(None::<i64>),
        background_jobs::leased_until.eq(None::<NaiveDateTime>),
        background_jobs::last_error.eq(None::<String>),
    ))
    .execute(conn)
}

/// A job that failed: tried again at `retry_at`, or given up on (`None`).
pub fn failed(
    conn: &mut DbConnection,
    id: i64,
    lease: i64,
    error: &str,
    retry_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let error: String = error.chars().take(2_000).collect();
    diesel::update(
        background_jobs::table
            .filter(background_jobs::id.eq(id))
            .filter(background_jobs::lease.eq(lease)),
    )
    .set((
        background_jobs::lease.eq(None::<i64>),
        background_jobs::leased_until.eq(None::<NaiveDateTime>),
        background_jobs::last_error.eq(Some(error)),
        background_jobs::run_at.eq(retry_at.unwrap_or(now)),
        background_jobs::failed_at.eq(retry_at.is_none().then_some(now)),
    ))
    .execute(conn)
}

/// Deletes a job (its work was done another way, e.g. by `mailroom bounce` at once).
pub fn delete(conn: &mut DbConnection, id: i64) -> QueryResult<usize> {
    diesel::delete(background_jobs::table.find(id)).execute(conn)
}
