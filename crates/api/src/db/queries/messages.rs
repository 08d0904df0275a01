use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use mailroom_domain::listing::Sort;
use mailroom_domain::message::{MessageFields, MessageSort};

use super::{Backend, contains_pattern, lower, unicode_lower};
use crate::db::rows::{MessageRow, NewMessage};
use crate::db::schema::{mailings, messages};
use crate::db::{Backend as DbBackend, DbConnection};

#[derive(Debug, Clone, Default)]
pub struct MessageFilter {
    pub owner_id: Option<i64>,
    pub search: Option<String>,
}

fn filtered(filter: &MessageFilter, backend: DbBackend) -> messages::BoxedQuery<'static, Backend> {
    let mut query = messages::table.into_boxed();
    if let Some(owner_id) = filter.owner_id {
        query = query.filter(messages::owner_id.eq(owner_id));
    }
    if let Some(text) = &filter.search {
        let pattern = contains_pattern(text);
        query = match backend {
            DbBackend::Postgres => {
                query.filter(lower(messages::subject).like(pattern).escape('\\'))
            }
            DbBackend::Sqlite => {
                query.filter(unicode_lower(messages::subject).like(pattern).escape('\\'))
            }
        };
    }
    query
}

pub fn list(
    conn: &mut DbConnection,
    filter: &MessageFilter,
    sort: Sort<MessageSort>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<MessageRow>, i64)> {
    let total = filtered(filter, conn.backend()).count().get_result(conn)?;
    let query = filtered(filter, conn.backend());
    let query = match (sort.field, sort.descending) {
        (MessageSort::CreatedAt, false) => {
            query.order((messages::created_at.asc(), messages::id.asc()))
        }
        (MessageSort::CreatedAt, true) => {
            query.order((messages::created_at.desc(), messages::id.desc()))
        }
        (MessageSort::UpdatedAt, false) => {
            query.order((messages::updated_at.asc(), messages::id.asc()))
        }
        (MessageSort::UpdatedAt, true) => {
            query.order((messages::updated_at.desc(), messages::id.desc()))
        }
        (MessageSort::Subject, false) => query.order((messages::subject.asc(), messages::id.asc())),
        (MessageSort::Subject, true) => {
            query.order((messages::subject.desc(), messages::id.desc()))
        }
    };
    let rows = query
        .offset(offset)
        .limit(limit)
        .select(MessageRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<MessageRow>> {
    messages::table
        .find(id)
        .select(MessageRow::as_select())
        .first(conn)
        .optional()
}

/// The subjects of these messages, by id.
pub fn subjects(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
    let rows: Vec<(i64, String)> = messages::table
        .filter(messages::id.eq_any(ids))
        .select((messages::id, messages::subject))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

pub fn insert(conn: &mut DbConnection, message: &NewMessage<'_>) -> QueryResult<MessageRow> {
    diesel::insert_into(messages::table)
        .values(message)
        .get_result(conn)
}

pub fn update(
    conn: &mut DbConnection,
    id: i64,
    fields: &MessageFields,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(messages::table.find(id))
        .set((
            messages::subject.eq(&fields.subject),
            messages::body.eq(&fields.body),
            messages::format.eq(fields.format),
            messages::updated_at.eq(now),
        ))
        .execute(conn)
}

pub fn delete(conn: &mut DbConnection, id: i64) -> QueryResult<usize> {
    diesel::delete(messages::table.find(id)).execute(conn)
}

/// The mailings that send this message, which keep it from being deleted.
pub fn used_by(conn: &mut DbConnection, id: i64) -> QueryResult<Vec<i64>> {
    mailings::table
        .filter(mailings::message_id.eq(id))
        .order(mailings::id.asc())
        .select(mailings::id)
        .load(conn)
}
