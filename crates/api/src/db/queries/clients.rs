use chrono::NaiveDateTime;
use diesel::dsl::{exists, not};
use diesel::prelude::*;
use mailroom_domain::client::ClientSort;
use mailroom_domain::listing::Sort;
use mailroom_domain::selection::ClientSelection;
use mailroom_domain::tag::TagName;

use super::{Backend, contains_pattern, lower, unicode_lower};
use crate::db::rows::{ClientRow, NewClient};
use crate::db::schema::{client_tags, clients, tags};
use crate::db::{Backend as DbBackend, DbConnection};

/// Which clients a list or a bulk change means: one owner's (or everyone's, for managers), those
/// the selection holds.
#[derive(Debug, Clone, Default)]
pub struct ClientFilter {
    pub owner_id: Option<i64>,
    pub selection: ClientSelection,
}

impl ClientFilter {
    pub fn of_owner(owner_id: i64, selection: ClientSelection) -> Self {
        Self {
            owner_id: Some(owner_id),
            selection,
        }
    }
}

fn keys(tags: &[TagName]) -> Vec<String> {
    tags.iter().map(TagName::key).collect()
}

/// Narrows `query` to the clients carrying (or, `carrying` false, not carrying) any of the tags
/// with these keys. A tag joins only its owner's clients, so naming the owner only narrows which
/// tags are read. Each case is its own statement: a boxed query takes no boxed subquery.
fn carrying(
    query: clients::BoxedQuery<'static, Backend>,
    owner: Option<i64>,
    keys: Vec<String>,
    carrying: bool,
) -> clients::BoxedQuery<'static, Backend> {
    let tagged = client_tags::table
        .inner_join(tags::table)
        .filter(tags::name_key.eq_any(keys));
    match (owner, carrying) {
        (Some(owner_id), true) => query.filter(
            clients::id.eq_any(
                tagged
                    .filter(tags::owner_id.eq(owner_id))
                    .select(client_tags::client_id),
            ),
        ),
        // NOT EXISTS, an anti-join: NOT IN is planned as a scan per row once its list outgrows
        // memory.
        (Some(owner_id), false) => query.filter(not(exists(
            tagged
                .filter(tags::owner_id.eq(owner_id))
                .filter(client_tags::client_id.eq(clients::id)),
        ))),
        (None, true) => query.filter(clients::id.eq_any(tagged.select(client_tags::client_id))),
        (None, false) => query.filter(not(
            clients::id.eq_any(tagged.select(client_tags::client_id))
        )),
    }
}

/// The clients matching `filter`, as a query to page, count or copy (`picked`).
pub fn filtered(
    filter: &ClientFilter,
    backend: DbBackend,
) -> clients::BoxedQuery<'static, Backend> {
    let mut query = clients::table.into_boxed();
    let owner = filter.owner_id;
    if let Some(owner_id) = owner {
        query = query.filter(clients::owner_id.eq(owner_id));
    }
    let selection = &filter.selection;
    if !selection.tags.tags_any.is_empty() {
        query = carrying(query, owner, keys(&selection.tags.tags_any), true);
    }
    for tag in &selection.tags.tags_all {
        query = carrying(query, owner, vec![tag.key()], true);
    }
    if !selection.tags.exclude_tags.is_empty() {
        query = carrying(query, owner, keys(&selection.tags.exclude_tags), false);
    }
    if let Some(ids) = &selection.ids {
        query = query.filter(clients::id.eq_any(ids.clone()));
    }
    if let Some(text) = &selection.search {
        let pattern = contains_pattern(text);
        // One expression for address and name: one LIKE per row.
        query = match backend {
            // The exact expression of the trigram index (migrations/postgres/…_client_search).
            DbBackend::Postgres => query.filter(
                lower(clients::email)
                    .concat(" ")
                    .concat(lower(clients::full_name))
                    .like(pattern)
                    .escape('\\'),
            ),
            DbBackend::Sqlite => query.filter(
                unicode_lower(clients::email.concat(" ").concat(clients::full_name))
                    .like(pattern)
                    .escape('\\'),
            ),
        };
    }
    query
}

/// Orders by the sort, with the id breaking ties so pages never overlap or skip rows.
fn ordered(
    query: clients::BoxedQuery<'static, Backend>,
    sort: Sort<ClientSort>,
) -> clients::BoxedQuery<'static, Backend> {
    use ClientSort::*;
    match (sort.field, sort.descending) {
        (CreatedAt, false) => query.order((clients::created_at.asc(), clients::id.asc())),
        (CreatedAt, true) => query.order((clients::created_at.desc(), clients::id.desc())),
        (UpdatedAt, false) => query.order((clients::updated_at.asc(), clients::id.asc())),
        (UpdatedAt, true) => query.order((clients::updated_at.desc(), clients::id.desc())),
        (Email, false) => query.order((clients::email_lower.asc(), clients::id.asc())),
        (Email, true) => query.order((clients::email_lower.desc(), clients::id.desc())),
        (FullName, false) => query.order((clients::full_name.asc(), clients::id.asc())),
        (FullName, true) => query.order((clients::full_name.desc(), clients::id.desc())),
    }
}

pub fn list(
    conn: &mut DbConnection,
    filter: &ClientFilter,
    sort: Sort<ClientSort>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<ClientRow>, i64)> {
    let backend = conn.backend();
    page_of(conn, || filtered(filter, backend), sort, offset, limit)
}

/// A page of the clients `matching` makes a query of, sorted, with how many match in all.
pub fn page_of(
    conn: &mut DbConnection,
    matching: impl Fn() -> clients::BoxedQuery<'static, Backend>,
    sort: Sort<ClientSort>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<ClientRow>, i64)> {
    // Deep pages skip ids only (the sort's index covers them), then read the page's rows: the
    // skipped rows themselves are never fetched.
    let page_ids: Vec<i64> = ordered(matching(), sort)
        .offset(offset)
        .limit(limit)
        .select(clients::id)
        .load(conn)?;
    let rows: Vec<ClientRow> = ordered(clients::table.into_boxed(), sort)
        .filter(clients::id.eq_any(page_ids))
        .select(ClientRow::as_select())
        .load(conn)?;
    // A short first page holds every match: counting them again would only repeat the scan.
    let found = rows.len() as i64;
    let total = if offset == 0 && found < limit {
        found
    } else {
        matching().count().get_result(conn)?
    };
    Ok((rows, total))
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<ClientRow>> {
    clients::table
        .find(id)
        .select(ClientRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConnection, client: &NewClient<'_>) -> QueryResult<ClientRow> {
    let id: i64 = diesel::insert_into(clients::table)
        .values(client)
        .returning(clients::id)
        .get_result(conn)?;
    find(conn, id)?.ok_or(diesel::result::Error::NotFound)
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

/// The next `limit` clients matching `filter` after `after_id` in id order, for streaming an export.
pub fn after(
    conn: &mut DbConnection,
    filter: &ClientFilter,
    after_id: i64,
    limit: i64,
) -> QueryResult<Vec<ClientRow>> {
    filtered(filter, conn.backend())
        .filter(clients::id.gt(after_id))
        .order(clients::id.asc())
        .limit(limit)
        .select(ClientRow::as_select())
        .load(conn)
}

/// After a bulk change, lets the query planner see the table as it now is.
pub fn refresh_statistics(conn: &mut DbConnection) -> QueryResult<()> {
    use diesel::connection::SimpleConnection;
    match conn {
        // VACUUM also sets the visibility map, so deep pages read ids from the index alone.
        DbConnection::Postgres(pg) => pg.batch_execute("VACUUM (ANALYZE) clients"),
        DbConnection::Sqlite(sqlite) => sqlite.batch_execute("PRAGMA optimize"),
    }
}

/// Marks the client unsubscribed (once: the first time is kept) and cancels its deliveries not yet
/// in a worker's hands; the client's address, or `None` when there is no such client.
pub fn unsubscribe(
    conn: &mut DbConnection,
    id: i64,
    now: NaiveDateTime,
) -> QueryResult<Option<String>> {
    let Some(email) = clients::table
        .find(id)
        .select(clients::email)
        .first::<String>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    diesel::update(
        clients::table
            .find(id)
            .filter(clients::unsubscribed_at.is_null()),
    )
    .set(clients::unsubscribed_at.eq(now))
    .execute(conn)?;
    let touched = super::deliveries::cancel_for_client(conn, id, now)?;
    super::runs::finish_done(conn, &touched, now)?;
    Ok(Some(email))
}
