//! The audit trail: entries are inserted and read, never updated or deleted (the database refuses
//! both); and the addresses each account signed in from.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use mailroom_domain::audit::{AuditAction, AuditTarget};

use super::Backend;
use crate::db::DbConnection;
use crate::db::rows::{AuditRow, NewAuditEntry};
use crate::db::schema::{audit_log, sign_in_addresses};

pub fn insert(conn: &mut DbConnection, entry: &NewAuditEntry<'_>) -> QueryResult<usize> {
    diesel::insert_into(audit_log::table)
        .values(entry)
        .execute(conn)
}

/// Which entries a page lists: each filter given narrows it.
#[derive(Debug, Clone, Copy, Default)]
pub struct AuditFilter {
    pub actor_id: Option<i64>,
    pub target: Option<AuditTarget>,
    pub action: Option<AuditAction>,
}

impl AuditFilter {
    fn query(self) -> audit_log::BoxedQuery<'static, Backend> {
        let mut query = audit_log::table.into_boxed();
        if let Some(actor) = self.actor_id {
            query = query.filter(audit_log::actor_id.eq(actor));
        }
        if let Some(target) = self.target {
            query = query
                .filter(audit_log::target_type.eq(target.kind))
                .filter(audit_log::target_id.eq(target.id));
        }
        if let Some(action) = self.action {
            query = query.filter(audit_log::action.eq(action));
        }
        query
    }
}

/// A page of entries, newest first, and how many match in all.
pub fn page(
    conn: &mut DbConnection,
    filter: AuditFilter,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<AuditRow>, i64)> {
    let rows = filter
        .query()
        .order(audit_log::id.desc())
        .offset(offset)
        .limit(limit)
        .select(AuditRow::as_select())
        .load(conn)?;
    let total = filter.query().count().get_result(conn)?;
    Ok((rows, total))
}

/// Notes that the account signed in from `address`; true when it never had before.
pub fn first_sign_in_from(
    conn: &mut DbConnection,
    user_id: i64,
    address: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let row = (
        sign_in_addresses::user_id.eq(user_id),
        sign_in_addresses::address.eq(address),
        sign_in_addresses::first_seen_at.eq(now),
    );
    // ON CONFLICT is spelt for each backend: the multi-connection's query builder has none.
    let inserted = match conn {
        DbConnection::Postgres(pg) => diesel::insert_into(sign_in_addresses::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(pg)?,
        DbConnection::Sqlite(sqlite) => diesel::insert_into(sign_in_addresses::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(sqlite)?,
    };
    Ok(inserted == 1)
}
