//! Kept answers of keyed requests (`idempotency_keys`): one row per user and key, claimed by the
//! first request and holding its answer once it has one.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use crate::db::schema::idempotency_keys;
use crate::db::{DbConnection, DbError, write_transaction};

/// An answer as it is kept and given back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    pub status: u16,
    pub content_type: Option<String>,
    pub location: Option<String>,
    pub content_language: Option<String>,
    pub body: Vec<u8>,
}

/// What a request with a key is to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// Run: the key is new (or its last use is over and forgotten), and held for it now.
    Run,
    /// Answer this, as the first request was answered.
    Replay(Kept),
    /// The key came with another request before.
    Reused,
    /// The first request with the key has not answered yet.
    Running,
}

#[derive(Queryable)]
struct Row {
    fingerprint: String,
    status: Option<i32>,
    content_type: Option<String>,
    location: Option<String>,
    content_language: Option<String>,
    body: Option<Vec<u8>>,
    locked_until: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = idempotency_keys)]
struct NewRow<'a> {
    user_id: i64,
    key: &'a str,
    fingerprint: &'a str,
    lease: Option<i64>,
    created_at: NaiveDateTime,
    locked_until: Option<NaiveDateTime>,
}

/// A user's key, as one request holds it while it runs (`lease`: that request's own number).
#[derive(Debug, Clone, Copy)]
pub struct Held<'a> {
    pub user_id: i64,
    pub key: &'a str,
    pub lease: i64,
}

/// Decides what the request with the key and `fingerprint` (its method, path and body) does, and
/// holds the key for it (under its lease) when it is to run.
pub fn claim(
    conn: &mut DbConnection,
    held: Held<'_>,
    fingerprint: &str,
    now: NaiveDateTime,
    kept_for: TimeDelta,
    runs_for: TimeDelta,
) -> Result<Claim, DbError> {
    let Held {
        user_id,
        key,
        lease,
    } = held;
    let mine = || idempotency_keys::table.filter(idempotency_keys::user_id.eq(user_id));
    write_transaction::<_, DbError, _>(conn, |conn| {
        // Answers past keeping go first, everyone's (a few at a time, by their index): what they
        // hold must not outlive its day, whether or not their owner sends another key.
        let expired = idempotency_keys::table
            .filter(idempotency_keys::created_at.le(now - kept_for))
            .select(idempotency_keys::id)
            .limit(100)
            .load::<i64>(conn)?;
        if !expired.is_empty() {
            diesel::delete(idempotency_keys::table.filter(idempotency_keys::id.eq_any(expired)))
                .execute(conn)?;
        }
        let row: Option<Row> = mine()
            .filter(idempotency_keys::key.eq(key))
            .select((
                idempotency_keys::fingerprint,
                idempotency_keys::status,
                idempotency_keys::content_type,
                idempotency_keys::location,
                idempotency_keys::content_language,
                idempotency_keys::body,
                idempotency_keys::locked_until,
            ))
            .first(conn)
            .optional()?;
        let until = Some(now + runs_for);
        Ok(match row {
            None => {
                let new = NewRow {
                    user_id,
                    key,
                    fingerprint,
                    lease: Some(lease),
                    created_at: now,
                    locked_until: until,
                };
                if insert(conn, &new)? {
                    Claim::Run
                } else {
                    // Another process claimed it between our read and our write.
                    Claim::Running
                }
            }
            Some(row) if row.fingerprint != fingerprint => Claim::Reused,
            Some(Row {
                status: Some(status),
                content_type,
                location,
                content_language,
                body,
                ..
            }) => Claim::Replay(Kept {
                status: u16::try_from(status).unwrap_or(200),
                content_type,
                location,
                content_language,
                body: body.unwrap_or_default(),
            }),
            Some(row) if row.locked_until.is_some_and(|until| until > now) => Claim::Running,
            // Its first request's process died before answering: this one runs it, unless another
            // retry took it over a moment ago (the condition is checked again as the row is
            // written, so only one of two at once does).
            Some(_) => {
                let taken = diesel::update(
                    mine()
                        .filter(idempotency_keys::key.eq(key))
                        .filter(idempotency_keys::status.is_null())
                        .filter(idempotency_keys::locked_until.le(now)),
                )
                .set((
                    idempotency_keys::locked_until.eq(until),
                    idempotency_keys::lease.eq(Some(lease)),
                ))
                .execute(conn)?;
                if taken == 1 {
                    Claim::Run
                } else {
                    Claim::Running
                }
            }
        })
    })
}

fn insert(conn: &mut DbConnection, new: &NewRow<'_>) -> QueryResult<bool> {
    // ON CONFLICT is spelt for each backend: the multi-connection's query builder has none.
    let inserted = match conn {
        DbConnection::Postgres(pg) => diesel::insert_into(idempotency_keys::table)
            .values(new)
            .on_conflict_do_nothing()
            .execute(pg)?,
        DbConnection::Sqlite(sqlite) => diesel::insert_into(idempotency_keys::table)
            .values(new)
            .on_conflict_do_nothing()
            .execute(sqlite)?,
    };
    Ok(inserted == 1)
}

/// The keyed request answered: its answer kept, or (`None`, a server error) its key let go, so
/// that a retry runs again. Only while it still holds the key under its lease: a request that
/// ran so long that a retry took its key over leaves the retry's answer alone.
pub fn finish(conn: &mut DbConnection, held: Held<'_>, kept: Option<&Kept>) -> QueryResult<usize> {
    let row = idempotency_keys::table
        .filter(idempotency_keys::user_id.eq(held.user_id))
        .filter(idempotency_keys::key.eq(held.key))
        .filter(idempotency_keys::lease.eq(held.lease));
    match kept {
        Some(kept) => diesel::update(row)
            .set((
                idempotency_keys::status.eq(Some(i32::from(kept.status))),
                idempotency_keys::content_type.eq(kept.content_type.as_deref()),
                idempotency_keys::location.eq(kept.location.as_deref()),
                idempotency_keys::content_language.eq(kept.content_language.as_deref()),
                idempotency_keys::body.eq(Some(&kept.body)),
                idempotency_keys::locked_until.eq(None::<NaiveDateTime>),
                idempotency_keys::lease.eq(None::<i64>),
            ))
            .execute(conn),
        None => diesel::delete(row).execute(conn),
    }
}
