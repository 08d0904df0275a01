//! Mail received at the bounce address (`bounces::inbound`).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use mailroom_domain::bounce::ReportOutcome;

use crate::db::DbConnection;
use crate::db::rows::{InboundMailRow, NewInboundMail};
use crate::db::schema::inbound_mail;

pub fn insert(conn: &mut DbConnection, mail: &NewInboundMail<'_>) -> QueryResult<i64> {
    diesel::insert_into(inbound_mail::table)
        .values(mail)
        .returning(inbound_mail::id)
        .get_result(conn)
}

/// The mail, locked for the rest of the transaction on PostgreSQL (SQLite's write transaction
/// holds the whole database): two processes reading it at once take turns, and the second finds
/// it processed.
pub fn lock(conn: &mut DbConnection, id: i64) -> QueryResult<Option<InboundMailRow>> {
    match conn {
        DbConnection::Postgres(pg) => inbound_mail::table
            .find(id)
            .for_update()
            .select(InboundMailRow::as_select())
            .first(pg)
            .optional(),
        DbConnection::Sqlite(_) => inbound_mail::table
            .find(id)
            .select(InboundMailRow::as_select())
            .first(conn)
            .optional(),
    }
}

/// Records what was decided about a mail; the text quotes the mail (a feedback type), so its NULs,
/// which PostgreSQL's text refuses, are dropped.
pub fn set_decision(
    conn: &mut DbConnection,
    id: i64,
    outcome: ReportOutcome,
    decision: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(inbound_mail::table.find(id))
        .set((
            inbound_mail::outcome.eq(Some(outcome)),
            inbound_mail::decision.eq(decision.replace('\0', "")),
            inbound_mail::processed_at.eq(Some(now)),
        ))
        .execute(conn)
}
