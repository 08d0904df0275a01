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
    body: Option<Vec<u8>>,
    created_at: NaiveDateTime,
    locked_until: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = idempotency_keys)]
struct NewRow<'a> {
    user_id: i64,
    key: &'a str,
    fingerprint: &'a str,
    created_at: NaiveDateTime,
    locked_until: Option<NaiveDateTime>,
}

/// Decides what the request with `key` and `fingerprint` (its method, path and body) does, and
/// holds the key for it when it is to run.
pub fn claim(
    conn: &mut DbConnection,
    user_id: i64,
    key: &str,
    fingerprint: &str,
    now: NaiveDateTime,
    kept_for: TimeDelta,
    runs_for: TimeDelta,
) -> Result<Claim, DbError> {
    let mine = || idempotency_keys::table.filter(idempotency_keys::user_id.eq(user_id));
    write_transaction::<_, DbError, _>(conn, |conn| {
        // The user's answers past keeping go first (this one's too, if so).
        diesel::delete(mine().filter(idempotency_keys::created_at.le(now - kept_for)))
            .execute(conn)?;
        let row: Option<Row> = mine()
            .filter(idempotency_keys::key.eq(key))
            .select((
                idempotency_keys::fingerprint,
                idempotency_keys::status,
                idempotency_keys::content_type,
                idempotency_keys::location,
                idempotency_keys::body,
                idempotency_keys::created_at,
                idempotency_keys::locked_until,
            ))
            .first(conn)
            .optional()?;
        let held = Some(now + runs_for);
        Ok(match row {
            None => {
                let new = NewRow {
                    user_id,
                    key,
                    fingerprint,
                    created_at: now,
                    locked_until: held,
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
                body,
                ..
            }) => Claim::Replay(Kept {
                status: u16::try_from(status).unwrap_or(200),
                content_type,
                location,
                body: body.unwrap_or_default(),
            }),
            Some(row) if row.locked_until.is_some_and(|until| until > now) => Claim::Running,
            // Its first request's process died before answering: this one runs it.
            Some(row) => {
                diesel::update(mine().filter(idempotency_keys::key.eq(key)))
                    .filter(idempotency_keys::created_at.eq(row.created_at))
                    .set(idempotency_keys::locked_until.eq(held))
                    .execute(conn)?;
                Claim::Run
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
/// that a retry runs again.
pub fn finish(
    conn: &mut DbConnection,
    user_id: i64,
    key: &str,
    kept: Option<&Kept>,
) -> QueryResult<usize> {
    let row = idempotency_keys::table
        .filter(idempotency_keys::user_id.eq(user_id))
        .filter(idempotency_keys::key.eq(key));
    match kept {
        Some(kept) => diesel::update(row)
            .set((
                idempotency_keys::status.eq(Some(i32::from(kept.status))),
                idempotency_keys::content_type.eq(kept.content_type.as_deref()),
                idempotency_keys::location.eq(kept.location.as_deref()),
                idempotency_keys::body.eq(Some(&kept.body)),
                idempotency_keys::locked_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn),
        None => diesel::delete(row).execute(conn),
    }
}
