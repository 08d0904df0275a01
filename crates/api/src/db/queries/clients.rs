use chrono::NaiveDateTime;
use diesel::prelude::*;
use mailroom_domain::client::ClientSort;
use mailroom_domain::listing::Sort;

use super::{Backend, contains_pattern, lower};
use crate::db::DbConnection;
use crate::db::rows::{ClientRow, NewClient};
use crate::db::schema::clients;

/// Which clients a list shows: one owner's (or everyone's, for managers), optionally searched.
#[derive(Debug, Clone, Default)]
pub struct ClientFilter {
    pub owner_id: Option<i64>,
    pub search: Option<String>,
}

fn filtered(filter: &ClientFilter) -> clients::BoxedQuery<'static, Backend> {
    let mut query = clients::table.into_boxed();
    if let Some(owner_id) = filter.owner_id {
        query = query.filter(clients::owner_id.eq(owner_id));
    }
    if let Some(text) = &filter.search {
        // One expression for address and name: one LIKE per row, and on PostgreSQL the exact
        // expression of the trigram index (migrations/postgres/…_client_search).
        let searched = lower(clients::email)
            .concat(" ")
            .concat(lower(clients::full_name));
        query = query.filter(searched.like(contains_pattern(text)).escape('\\'));
    }
    query
}

pub fn list(
    conn: &mut DbConnection,
    filter: &ClientFilter,
    sort: Sort<ClientSort>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<ClientRow>, i64)> {
    let query = filtered(filter);
    // The id breaks ties, so pages never overlap or skip rows that share a sort value.
    let query = match (sort.field, sort.descending) {
        (ClientSort::CreatedAt, false) => {
            query.order((clients::created_at.asc(), clients::id.asc()))
        }
        (ClientSort::CreatedAt, true) => {
            query.order((clients::created_at.desc(), clients::id.desc()))
        }
        (ClientSort::UpdatedAt, false) => {
            query.order((clients::updated_at.asc(), clients::id.asc()))
        }
        (ClientSort::UpdatedAt, true) => {
            query.order((clients::updated_at.desc(), clients::id.desc()))
        }
        (ClientSort::Email, false) => query.order((lower(clients::email).asc(), clients::id.asc())),
        (ClientSort::Email, true) => {
            query.order((lower(clients::email).desc(), clients::id.desc()))
        }
        (ClientSort::FullName, false) => query.order((clients::full_name.asc(), clients::id.asc())),
        (ClientSort::FullName, true) => {
            query.order((clients::full_name.desc(), clients::id.desc()))
        }
    };
    let rows: Vec<ClientRow> = query
        .offset(offset)
        .limit(limit)
        .select(ClientRow::as_select())
        .load(conn)?;
    let total = total(conn, filter, offset, limit, rows.len())?;
    Ok((rows, total))
}

/// A short first page holds every match: counting them again would only repeat the scan.
fn total(
    conn: &mut DbConnection,
    filter: &ClientFilter,
    offset: i64,
    limit: i64,
    found: usize,
) -> QueryResult<i64> {
    let found = found as i64;
    if offset == 0 && found < limit {
        Ok(found)
    } else {
        filtered(filter).count().get_result(conn)
    }
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<ClientRow>> {
    clients::table
        .find(id)
        .select(ClientRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConnection, client: &NewClient<'_>) -> QueryResult<ClientRow> {
    diesel::insert_into(clients::table)
        .values(client)
        .get_result(conn)
}

pub fn update(
    conn: &mut DbConnection,
    id: i64,
    email: &str,
    full_name: &str,
    comment: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(clients::table.find(id))
        .set((
            clients::email.eq(email),
            clients::full_name.eq(full_name),
            clients::comment.eq(comment),
            clients::updated_at.eq(now),
        ))
        .execute(conn)
}

pub fn update_details(
    conn: &mut DbConnection,
    id: i64,
    full_name: &str,
    comment: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(clients::table.find(id))
        .set((
            clients::full_name.eq(full_name),
            clients::comment.eq(comment),
            clients::updated_at.eq(now),
        ))
        .execute(conn)
}

pub fn delete(conn: &mut DbConnection, id: i64) -> QueryResult<usize> {
    diesel::delete(clients::table.find(id)).execute(conn)
}

/// The owner's clients among `normalized_emails`, as (lower-cased email, id).
pub fn ids_by_email(
    conn: &mut DbConnection,
    owner_id: i64,
    normalized_emails: &[String],
) -> QueryResult<Vec<(String, i64)>> {
    clients::table
        .filter(clients::owner_id.eq(owner_id))
        .filter(lower(clients::email).eq_any(normalized_emails))
        .select((lower(clients::email), clients::id))
        .load(conn)
}

/// Inserts many clients in one statement per backend (the multi-connection cannot batch inserts).
pub fn insert_many(conn: &mut DbConnection, rows: &[NewClient<'_>]) -> QueryResult<usize> {
    if rows.is_empty() {
        return Ok(0);
    }
    match conn {
        DbConnection::Postgres(pg) => diesel::insert_into(clients::table).values(rows).execute(pg),
        DbConnection::Sqlite(sqlite) => diesel::insert_into(clients::table)
            .values(rows)
            .execute(sqlite),
    }
}

/// The next `limit` clients after `after_id` in id order, for streaming an export.
pub fn after(
    conn: &mut DbConnection,
    owner_id: Option<i64>,
    after_id: i64,
    limit: i64,
) -> QueryResult<Vec<ClientRow>> {
    let mut query = clients::table.filter(clients::id.gt(after_id)).into_boxed();
    if let Some(owner_id) = owner_id {
        query = query.filter(clients::owner_id.eq(owner_id));
    }
    query
        .order(clients::id.asc())
        .limit(limit)
        .select(ClientRow::as_select())
        .load(conn)
}

/// After a bulk change, lets the query planner see the table as it now is.
pub fn refresh_statistics(conn: &mut DbConnection) -> QueryResult<()> {
    use diesel::connection::SimpleConnection;
    match conn {
        DbConnection::Postgres(pg) => pg.batch_execute("ANALYZE clients"),
        DbConnection::Sqlite(sqlite) => sqlite.batch_execute("PRAGMA optimize"),
    }
}
