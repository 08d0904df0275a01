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

/// A filter ready to be made a query: its tags looked up by key, once. Conditions on tag ids the
/// query names, not on tag names joined in, are what PostgreSQL's planner can estimate from the
/// statistics of `client_tags`: joined by name, it guessed 161 clients of a tag 100,000 carry and
/// read a deep page by nested loops (1.7 s instead of tens of milliseconds).
#[derive(Debug, Clone)]
pub struct Matching {
    owner_id: Option<i64>,
    search: Option<String>,
    ids: Option<Vec<i64>>,
    /// `Some`: carrying one of these (none there: matches nobody).
    any: Option<Vec<i64>>,
    /// Carrying one of each (for a manager, a name is a tag of each owner who has it).
    all: Vec<Vec<i64>>,
    /// Carrying none of these.
    exclude: Vec<i64>,
    backend: DbBackend,
}

/// Looks up the filter's tags: those of its owner (of every owner, for a manager's filter).
pub fn matching(conn: &mut DbConnection, filter: &ClientFilter) -> QueryResult<Matching> {
    let selection = &filter.selection;
    let named = &selection.tags;
    let keys: Vec<String> = named
        .tags_any
        .iter()
        .chain(&named.tags_all)
        .chain(&named.exclude_tags)
        .map(TagName::key)
        .collect();
    let mut found: Vec<(String, i64)> = Vec::new();
    if !keys.is_empty() {
        let mut query = tags::table
            .filter(tags::name_key.eq_any(keys))
            .select((tags::name_key, tags::id))
            .into_boxed();
        if let Some(owner_id) = filter.owner_id {
            query = query.filter(tags::owner_id.eq(owner_id));
        }
        found = query.load(conn)?;
    }
    let ids_of = |names: &[TagName]| -> Vec<i64> {
        let keys: Vec<String> = names.iter().map(TagName::key).collect();
        found
            .iter()
            .filter(|(key, _)| keys.contains(key))
            .map(|(_, id)| *id)
            .collect()
    };
    Ok(Matching {
        owner_id: filter.owner_id,
        search: selection.search.clone(),
        ids: selection.ids.clone(),
        any: (!named.tags_any.is_empty()).then(|| ids_of(&named.tags_any)),
        all: named
            .tags_all
            .iter()
            .map(|tag| ids_of(std::slice::from_ref(tag)))
            .collect(),
        exclude: ids_of(&named.exclude_tags),
        backend: conn.backend(),
    })
}

/// Clients by id: after one, up to another, both given to the tags' subqueries too, so that a
/// batch of a big audience reads only its own part of `client_tags` (the planner does not carry
/// a range over a semi-join by itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdRange {
    pub after: i64,
    pub up_to: i64,
}

/// Narrows `query` to the clients carrying one of the tags (in `range`, when one is given).
fn carrying_one_of(
    query: clients::BoxedQuery<'static, Backend>,
    tag_ids: &[i64],
    range: Option<IdRange>,
) -> clients::BoxedQuery<'static, Backend> {
    let tagged = client_tags::table.filter(client_tags::tag_id.eq_any(tag_ids.to_vec()));
    match range {
        None => query.filter(clients::id.eq_any(tagged.select(client_tags::client_id))),
        Some(range) => query.filter(
            clients::id.eq_any(
                tagged
                    .filter(client_tags::client_id.gt(range.after))
                    .filter(client_tags::client_id.le(range.up_to))
                    .select(client_tags::client_id),
            ),
        ),
    }
}

impl Matching {
    /// Whether every client of the owner (of everyone, without one) matches: then how many is
    /// counted already (`owner_totals`).
    fn is_everyone(&self) -> bool {
        self.search.is_none()
            && self.ids.is_none()
            && self.any.is_none()
            && self.all.is_empty()
            && self.exclude.is_empty()
    }

    /// The clients matching, as a query to page, count or copy (`picked`).
    pub fn query(&self) -> clients::BoxedQuery<'static, Backend> {
        self.query_in(None)
    }

    /// The clients matching in `range`, when one is given.
    pub fn query_in(&self, range: Option<IdRange>) -> clients::BoxedQuery<'static, Backend> {
        let mut query = clients::table.into_boxed();
        if let Some(owner_id) = self.owner_id {
            query = query.filter(clients::owner_id.eq(owner_id));
        }
        if let Some(range) = range {
            query = query
                .filter(clients::id.gt(range.after))
                .filter(clients::id.le(range.up_to));
        }
        if let Some(any) = &self.any {
            query = carrying_one_of(query, any, range);
        }
        for each in &self.all {
            query = carrying_one_of(query, each, range);
        }
        if !self.exclude.is_empty() {
            // NOT EXISTS, an anti-join: NOT IN is planned as a scan per row once its list
            // outgrows memory.
            query = query.filter(not(exists(
                client_tags::table
                    .filter(client_tags::tag_id.eq_any(self.exclude.clone()))
                    .filter(client_tags::client_id.eq(clients::id)),
            )));
        }
        if let Some(ids) = &self.ids {
            query = query.filter(clients::id.eq_any(ids.clone()));
        }
        if let Some(text) = &self.search {
            let pattern = contains_pattern(text);
            // One expression for address and name: one LIKE per row.
            query = match self.backend {
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
    let matching = matching(conn, filter)?;
    let counted = if matching.is_everyone() {
        Some(match matching.owner_id {
            Some(owner_id) => super::stats::client_count(conn, owner_id)?,
            None => super::stats::all_clients(conn)?,
        })
    } else {
        None
    };
    page(conn, || matching.query(), sort, offset, limit, counted)
}

/// A page of the clients `matching` makes a query of, sorted, with how many match in all.
pub fn page_of(
    conn: &mut DbConnection,
    matching: impl Fn() -> clients::BoxedQuery<'static, Backend>,
    sort: Sort<ClientSort>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<ClientRow>, i64)> {
    page(conn, matching, sort, offset, limit, None)
}

/// A page, and the total: `counted` when it is known, or else counted now.
fn page(
    conn: &mut DbConnection,
    matching: impl Fn() -> clients::BoxedQuery<'static, Backend>,
    sort: Sort<ClientSort>,
    offset: i64,
    limit: i64,
    counted: Option<i64>,
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
    let total = match counted {
        Some(total) => total,
        None if offset == 0 && found < limit => found,
        None => matching().count().get_result(conn)?,
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
    matching(conn, filter)?
        .query()
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

/// What unsubscribing a client did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsubscribed {
    pub email: String,
    pub owner_id: i64,
    /// False when it was unsubscribed already (the first time is kept).
    pub now: bool,
    /// The runs whose deliveries to it were cancelled.
    pub runs: Vec<i64>,
}

/// Marks the client unsubscribed (once: the first time is kept) and cancels its deliveries not yet
/// in a worker's hands; `None` when there is no such client.
pub fn unsubscribe(
    conn: &mut DbConnection,
    id: i64,
    now: NaiveDateTime,
) -> QueryResult<Option<Unsubscribed>> {
    let Some((email, owner_id)) = clients::table
        .find(id)
        .select((clients::email, clients::owner_id))
        .first::<(String, i64)>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let changed = diesel::update(
        clients::table
            .find(id)
            .filter(clients::unsubscribed_at.is_null()),
    )
    .set(clients::unsubscribed_at.eq(now))
    .execute(conn)?;
    let touched = super::deliveries::cancel_for_client(conn, id, now)?;
    super::runs::finish_done(conn, &touched, now)?;
    Ok(Some(Unsubscribed {
        email,
        owner_id,
        now: changed > 0,
        runs: touched,
    }))
}
