use chrono::NaiveDateTime;
use diesel::prelude::*;
use mailroom_domain::AttemptStatus;

use mailroom_domain::listing::Sort;
use mailroom_domain::mailing::AttemptSort;

use super::{Backend, contains_pattern, lower, unicode_lower};
use crate::db::rows::AttemptRow;
use crate::db::schema::{attempts, mailings};
use crate::db::{Backend as DbBackend, DbConnection};

#[derive(Debug, Clone, Default)]
pub struct AttemptFilter {
    /// Only attempts of mailings this owner has (None: everyone's, for managers).
    pub owner_id: Option<i64>,
    pub mailing_id: Option<i64>,
    pub status: Option<AttemptStatus>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    /// Only attempts whose client address contains this text (any case).
    pub search: Option<String>,
}

fn filtered(filter: &AttemptFilter, backend: DbBackend) -> attempts::BoxedQuery<'static, Backend> {
    let mut query = attempts::table.into_boxed();
    if let Some(owner_id) = filter.owner_id {
        let owned = mailings::table
            .filter(mailings::owner_id.eq(owner_id))
            .select(mailings::id);
        query = query.filter(attempts::mailing_id.eq_any(owned));
    }
    if let Some(mailing_id) = filter.mailing_id {
        query = query.filter(attempts::mailing_id.eq(mailing_id));
    }
    if let Some(status) = filter.status {
        query = query.filter(attempts::status.eq(status));
    }
    if let Some(from) = filter.from {
        query = query.filter(attempts::attempted_at.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(attempts::attempted_at.lt(to));
    }
    if let Some(text) = &filter.search {
        let pattern = contains_pattern(text);
        query = match backend {
            DbBackend::Postgres => {
                query.filter(lower(attempts::client_email).like(pattern).escape('\\'))
            }
            DbBackend::Sqlite => query.filter(
                unicode_lower(attempts::client_email)
                    .like(pattern)
                    .escape('\\'),
            ),
        };
    }
    query
}

pub fn list(
    conn: &mut DbConnection,
    filter: &AttemptFilter,
    sort: Sort<AttemptSort>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<AttemptRow>, i64)> {
    let total = filtered(filter, conn.backend()).count().get_result(conn)?;
    let query = match (sort.field, sort.descending) {
        (AttemptSort::AttemptedAt, true) => filtered(filter, conn.backend())
            .order((attempts::attempted_at.desc(), attempts::id.desc())),
        (AttemptSort::AttemptedAt, false) => filtered(filter, conn.backend())
            .order((attempts::attempted_at.asc(), attempts::id.asc())),
    };
    let rows = query
        .offset(offset)
        .limit(limit)
        .select(AttemptRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}
