use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use mailroom_domain::listing::Sort;
use mailroom_domain::mailing::{MailingFields, MailingSort};

use super::{Backend, contains_pattern, lower, unicode_lower};
use crate::db::rows::{MailingClientRow, MailingRow, NewMailing};
use crate::db::schema::{clients, mailing_clients, mailings};
use crate::db::{Backend as DbBackend, DbConnection};

/// Rows per statement: SQLite allows 32,766 bound parameters.
const CHUNK: usize = 10_000;

#[derive(Debug, Clone, Default)]
pub struct MailingFilter {
    pub owner_id: Option<i64>,
    /// Searched in the mailing's name.
    pub search: Option<String>,
}

fn filtered(filter: &MailingFilter, backend: DbBackend) -> mailings::BoxedQuery<'static, Backend> {
    let mut query = mailings::table.into_boxed();
    if let Some(owner_id) = filter.owner_id {
        query = query.filter(mailings::owner_id.eq(owner_id));
    }
    if let Some(text) = &filter.search {
        let pattern = contains_pattern(text);
        query = match backend {
            DbBackend::Postgres => query.filter(lower(mailings::name).like(pattern).escape('\\')),
            DbBackend::Sqlite => {
                query.filter(unicode_lower(mailings::name).like(pattern).escape('\\'))
            }
        };
    }
    query
}

pub fn list(
    conn: &mut DbConnection,
    filter: &MailingFilter,
    sort: Sort<MailingSort>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<MailingRow>, i64)> {
    // Without a search, the owner's mailings are counted already.
    let total = match (filter.owner_id, &filter.search) {
        (Some(owner_id), None) => super::stats::owned(conn, owner_id)?.1,
        _ => filtered(filter, conn.backend()).count().get_result(conn)?,
    };
    let query = filtered(filter, conn.backend());
    let query = match (sort.field, sort.descending) {
        (MailingSort::CreatedAt, false) => {
            query.order((mailings::created_at.asc(), mailings::id.asc()))
        }
        (MailingSort::CreatedAt, true) => {
            query.order((mailings::created_at.desc(), mailings::id.desc()))
        }
        (MailingSort::StartsAt, false) => {
            query.order((mailings::starts_at.asc(), mailings::id.asc()))
        }
        (MailingSort::StartsAt, true) => {
            query.order((mailings::starts_at.desc(), mailings::id.desc()))
        }
        (MailingSort::EndsAt, false) => query.order((mailings::ends_at.asc(), mailings::id.asc())),
        (MailingSort::EndsAt, true) => query.order((mailings::ends_at.desc(), mailings::id.desc())),
    };
    let rows = query
        .offset(offset)
        .limit(limit)
        .select(MailingRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<MailingRow>> {
    mailings::table
        .find(id)
        .select(MailingRow::as_select())
        .first(conn)
        .optional()
}

/// The mailing, its row locked against other writers until the end of the transaction
/// (PostgreSQL; on SQLite the write transaction already holds the database's one write lock).
/// `FOR NO KEY UPDATE`: runs and statistics rows may still reference it meanwhile.
pub fn find_for_update(conn: &mut DbConnection, id: i64) -> QueryResult<Option<MailingRow>> {
    let query = mailings::table.find(id);
    match conn {
        DbConnection::Postgres(pg) => query
            .select(MailingRow::as_select())
            .for_no_key_update()
            .first(pg)
            .optional(),
        DbConnection::Sqlite(sqlite) => query
            .select(MailingRow::as_select())
            .first(sqlite)
            .optional(),
    }
}

pub fn insert(conn: &mut DbConnection, mailing: &NewMailing) -> QueryResult<MailingRow> {
    diesel::insert_into(mailings::table)
        .values(mailing)
        .get_result(conn)
}

/// Writes a mailing's editable fields (its audience's kind; its clients and segment aside:
/// `set_clients`, `audiences::set_segment`). The next send is the scheduler's, moved only by
/// `set_next_run`.
pub fn update(
    conn: &mut DbConnection,
    id: i64,
    name: &str,
    fields: &MailingFields,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(mailings::table.find(id))
        .set((
            mailings::name.eq(name),
            mailings::from_name.eq(&fields.from_name),
            mailings::audience.eq(fields.audience.kind()),
            mailings::message_id.eq(fields.message_id),
            mailings::starts_at.eq(fields.starts_at),
            mailings::ends_at.eq(fields.ends_at),
            mailings::schedule.eq(fields.schedule),
            mailings::updated_at.eq(now),
        ))
        .execute(conn)
}

/// Marks the mailing changed now (its chosen clients were).
pub fn touch(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(mailings::table.find(id))
        .set(mailings::updated_at.eq(now))
        .execute(conn)
}

/// Moves the next scheduled send (the timing of the mailing changed).
pub fn set_next_run(
    conn: &mut DbConnection,
    id: i64,
    next: Option<NaiveDateTime>,
) -> QueryResult<usize> {
    diesel::update(mailings::table.find(id))
        .set(mailings::next_run_at.eq(next))
        .execute(conn)
}

/// Mailings whose next scheduled send is due at `now`, oldest first.
pub fn due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<MailingRow>> {
    mailings::table
        .filter(mailings::next_run_at.le(now))
        .order((mailings::next_run_at.asc(), mailings::id.asc()))
        .limit(limit)
        .select(MailingRow::as_select())
        .load(conn)
}

/// Moves the schedule on from `slot` to `next`, if no other process did first: the caller that
/// gets 1 back owns the slot.
pub fn advance_schedule(
    conn: &mut DbConnection,
    id: i64,
    slot: NaiveDateTime,
    next: Option<NaiveDateTime>,
) -> QueryResult<usize> {
    diesel::update(
        mailings::table
            .find(id)
            .filter(mailings::next_run_at.eq(slot)),
    )
    .set(mailings::next_run_at.eq(next))
    .execute(conn)
}

pub fn set_disabled(
    conn: &mut DbConnection,
    id: i64,
    disabled: bool,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    // Only a change is written (and counted): twice disabled is disabled once.
    diesel::update(
        mailings::table
            .find(id)
            .filter(mailings::disabled.ne(disabled)),
    )
    .set((
        mailings::disabled.eq(disabled),
        mailings::updated_at.eq(now),
    ))
    .execute(conn)
}

pub fn delete(conn: &mut DbConnection, id: i64) -> QueryResult<usize> {
    diesel::delete(mailings::table.find(id)).execute(conn)
}

/// Replaces the mailing's clients with `client_ids`.
pub fn set_clients(
    conn: &mut DbConnection,
    mailing_id: i64,
    client_ids: &[i64],
) -> QueryResult<()> {
    diesel::delete(mailing_clients::table.filter(mailing_clients::mailing_id.eq(mailing_id)))
        .execute(conn)?;
    for chunk in client_ids.chunks(CHUNK / 2) {
        let rows: Vec<MailingClientRow> = chunk
            .iter()
            .map(|&client_id| MailingClientRow {
                mailing_id,
                client_id,
            })
            .collect();
        match conn {
            DbConnection::Postgres(pg) => diesel::insert_into(mailing_clients::table)
                .values(&rows)
                .execute(pg),
            DbConnection::Sqlite(sqlite) => diesel::insert_into(mailing_clients::table)
                .values(&rows)
                .execute(sqlite),
        }?;
    }
    Ok(())
}

/// Of `client_ids`, those that are not clients of `owner_id`.
pub fn foreign_clients(
    conn: &mut DbConnection,
    owner_id: i64,
    client_ids: &[i64],
) -> QueryResult<Vec<i64>> {
    let mut owned = Vec::with_capacity(client_ids.len());
    for chunk in client_ids.chunks(CHUNK) {
        owned.extend(
            clients::table
                .filter(clients::owner_id.eq(owner_id))
                .filter(clients::id.eq_any(chunk))
                .select(clients::id)
                .load::<i64>(conn)?,
        );
    }
    owned.sort_unstable();
    Ok(client_ids
        .iter()
        .copied()
        .filter(|id| owned.binary_search(id).is_err())
        .collect())
}

/// How many chosen clients each mailing has (those with none are left out).
pub fn chosen_counts(
    conn: &mut DbConnection,
    mailing_ids: &[i64],
) -> QueryResult<HashMap<i64, i64>> {
    let rows: Vec<(i64, i64)> = mailing_clients::table
        .filter(mailing_clients::mailing_id.eq_any(mailing_ids))
        .group_by(mailing_clients::mailing_id)
        .select((mailing_clients::mailing_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// Adds the owner's clients among `ids` to the mailing's chosen ones (those it has stay once);
/// how many were added.
pub fn add_clients(
    conn: &mut DbConnection,
    mailing_id: i64,
    owner_id: i64,
    ids: &[i64],
) -> QueryResult<usize> {
    let mut added = 0;
    for chunk in ids.chunks(CHUNK) {
        let already = mailing_clients::table
            .filter(mailing_clients::mailing_id.eq(mailing_id))
            .select(mailing_clients::client_id);
        let fresh = clients::table
            .filter(clients::owner_id.eq(owner_id))
            .filter(clients::id.eq_any(chunk))
            .filter(diesel::dsl::not(clients::id.eq_any(already)))
            .select((
                mailing_id.into_sql::<diesel::sql_types::BigInt>(),
                clients::id,
            ));
        added += diesel::insert_into(mailing_clients::table)
            .values(fresh)
            .into_columns((mailing_clients::mailing_id, mailing_clients::client_id))
            .execute(conn)?;
    }
    Ok(added)
}

/// Gives mailing `to` the chosen clients of mailing `from`, in one statement.
pub fn copy_clients(conn: &mut DbConnection, from: i64, to: i64) -> QueryResult<usize> {
    let chosen = mailing_clients::table
        .filter(mailing_clients::mailing_id.eq(from))
        .select((
            to.into_sql::<diesel::sql_types::BigInt>(),
            mailing_clients::client_id,
        ));
    diesel::insert_into(mailing_clients::table)
        .values(chosen)
        .into_columns((mailing_clients::mailing_id, mailing_clients::client_id))
        .execute(conn)
}

/// Takes `ids` out of the mailing's chosen clients; how many were in it.
pub fn remove_clients(conn: &mut DbConnection, mailing_id: i64, ids: &[i64]) -> QueryResult<usize> {
    let mut removed = 0;
    for chunk in ids.chunks(CHUNK) {
        removed += diesel::delete(
            mailing_clients::table
                .filter(mailing_clients::mailing_id.eq(mailing_id))
                .filter(mailing_clients::client_id.eq_any(chunk)),
        )
        .execute(conn)?;
    }
    Ok(removed)
}
