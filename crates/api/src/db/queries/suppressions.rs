//! The suppression list: addresses an owner's mailings no longer send to, one entry per owner
//! and address in any case (`email_lower`, as clients' addresses are compared).

use diesel::prelude::*;
use mailroom_domain::listing::Sort;
use mailroom_domain::wire::SuppressionSort;

use super::{Backend, contains_pattern, lower, unicode_lower};
use crate::db::rows::{NewSuppressionRow, SuppressionRow};
use crate::db::schema::{clients, suppressions};
use crate::db::{Backend as DbBackend, DbConnection};

/// Which entries a list shows: one owner's (None: everyone's, for managers), matching a search.
#[derive(Debug, Clone, Default)]
pub struct SuppressionFilter {
    pub owner_id: Option<i64>,
    /// Only addresses containing this text (any case).
    pub search: Option<String>,
}

fn filtered(
    filter: &SuppressionFilter,
    backend: DbBackend,
) -> suppressions::BoxedQuery<'static, Backend> {
    let mut query = suppressions::table.into_boxed();
    if let Some(owner_id) = filter.owner_id {
        query = query.filter(suppressions::owner_id.eq(owner_id));
    }
    if let Some(text) = &filter.search {
        let pattern = contains_pattern(text);
        query = match backend {
            DbBackend::Postgres => {
                query.filter(lower(suppressions::email).like(pattern).escape('\\'))
            }
            DbBackend::Sqlite => query.filter(
                unicode_lower(suppressions::email)
                    .like(pattern)
                    .escape('\\'),
            ),
        };
    }
    query
}

pub fn list(
    conn: &mut DbConnection,
    filter: &SuppressionFilter,
    sort: Sort<SuppressionSort>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<SuppressionRow>, i64)> {
    let backend = conn.backend();
    let total = filtered(filter, backend).count().get_result(conn)?;
    let rows = ordered(filtered(filter, backend), sort)
        .offset(offset)
        .limit(limit)
        .select(SuppressionRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// `query` in the list's order; the id breaks ties, so the order is total.
fn ordered(
    query: suppressions::BoxedQuery<'static, Backend>,
    sort: Sort<SuppressionSort>,
) -> suppressions::BoxedQuery<'static, Backend> {
    use suppressions::{created_at, email_lower, id};
    match (sort.field, sort.descending) {
        (SuppressionSort::CreatedAt, true) => query.order((created_at.desc(), id.desc())),
        (SuppressionSort::CreatedAt, false) => query.order((created_at.asc(), id.asc())),
        (SuppressionSort::Email, true) => query.order((email_lower.desc(), id.desc())),
        (SuppressionSort::Email, false) => query.order((email_lower.asc(), id.asc())),
    }
}

/// Where a page of an export starts: at the beginning, or after the entry with this sort key
/// and id.
#[derive(Debug, Clone)]
pub enum After {
    Start,
    CreatedAt(chrono::NaiveDateTime, i64),
    Email(String, i64),
}

impl After {
    /// The place after `row` (with its `email_lower`) in `sort`'s order.
    pub fn row(sort: Sort<SuppressionSort>, row: &SuppressionRow, email_lower: &str) -> Self {
        match sort.field {
            SuppressionSort::CreatedAt => Self::CreatedAt(row.created_at, row.id),
            SuppressionSort::Email => Self::Email(email_lower.to_owned(), row.id),
        }
    }
}

/// A page of an export: the entries matching `filter` that follow `after` in `sort`'s order
/// (a keyset, so entries added or removed meanwhile never shift a page), each with its
/// `email_lower`.
pub fn page(
    conn: &mut DbConnection,
    filter: &SuppressionFilter,
    sort: Sort<SuppressionSort>,
    after: &After,
    limit: i64,
) -> QueryResult<Vec<(SuppressionRow, String)>> {
    use suppressions::{created_at, email_lower, id};
    let query = filtered(filter, conn.backend());
    let query = match (after.clone(), sort.descending) {
        (After::Start, _) => query,
        (After::CreatedAt(at, last), false) => {
            query.filter(created_at.gt(at).or(created_at.eq(at).and(id.gt(last))))
        }
        (After::CreatedAt(at, last), true) => {
            query.filter(created_at.lt(at).or(created_at.eq(at).and(id.lt(last))))
        }
        (After::Email(key, last), false) => query.filter(
            email_lower
                .gt(key.clone())
                .or(email_lower.eq(key).and(id.gt(last))),
        ),
        (After::Email(key, last), true) => query.filter(
            email_lower
                .lt(key.clone())
                .or(email_lower.eq(key).and(id.lt(last))),
        ),
    };
    ordered(query, sort)
        .limit(limit)
        .select((SuppressionRow::as_select(), email_lower))
        .load(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<SuppressionRow>> {
    suppressions::table
        .find(id)
        .select(SuppressionRow::as_select())
        .first(conn)
        .optional()
}

/// The owner's entry for this address, in any case.
pub fn of_address(
    conn: &mut DbConnection,
    owner_id: i64,
    email: &str,
) -> QueryResult<Option<SuppressionRow>> {
    suppressions::table
        .filter(suppressions::owner_id.eq(owner_id))
        .filter(suppressions::email_lower.eq(lower(email.to_owned())))
        .select(SuppressionRow::as_select())
        .first(conn)
        .optional()
}

/// Puts an address on its owner's list; an address already there keeps its first entry (and
/// reason). `None` then.
pub fn add(
    conn: &mut DbConnection,
    entry: &NewSuppressionRow<'_>,
) -> QueryResult<Option<SuppressionRow>> {
    // ON CONFLICT is spelt for each backend: the multi-connection's query builder has none.
    let added = match conn {
        DbConnection::Postgres(pg) => diesel::insert_into(suppressions::table)
            .values(entry)
            .on_conflict_do_nothing()
            .execute(pg)?,
        DbConnection::Sqlite(sqlite) => diesel::insert_into(suppressions::table)
            .values(entry)
            .on_conflict_do_nothing()
            .execute(sqlite)?,
    };
    if added == 0 {
        return Ok(None);
    }
    of_address(conn, entry.owner_id, entry.email)
}

pub fn delete(conn: &mut DbConnection, id: i64) -> QueryResult<usize> {
    diesel::delete(suppressions::table.find(id)).execute(conn)
}

/// Whether the owner's list has a client's address: the condition a run's queueing and a
/// worker's last look test, as a subquery over `clients`.
#[diesel::dsl::auto_type]
pub fn holds_client() -> _ {
    diesel::dsl::exists(
        suppressions::table
            .filter(suppressions::owner_id.eq(clients::owner_id))
            .filter(suppressions::email_lower.eq(clients::email_lower))
            .select(suppressions::id),
    )
}

/// Of these deliveries, those whose address is on their owner's list now: a worker's last look
/// before it sends a batch it claimed.
pub fn among_deliveries(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<i64>> {
    use crate::db::schema::{deliveries, mailings, runs};
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    deliveries::table
        .inner_join(runs::table.inner_join(mailings::table))
        .filter(deliveries::id.eq_any(ids))
        .filter(diesel::dsl::exists(
            suppressions::table
                .filter(suppressions::owner_id.eq(mailings::owner_id))
                .filter(suppressions::email_lower.eq(lower(deliveries::email)))
                .select(suppressions::id),
        ))
        .select(deliveries::id)
        .load(conn)
}
