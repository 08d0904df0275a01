//! What housekeeping deletes, one batch per call: each call is one short statement (after the
//! read that picks its rows), so no lock is held for long and two workers doing it at once only
//! find less to delete. Each returns how many rows went.

use chrono::NaiveDateTime;
use diesel::dsl::max;
use diesel::prelude::*;
use mailroom_domain::webhook_delivery::DeliveryState;

use crate::db::DbConnection;
use crate::db::schema::{
    attempts, idempotency_keys, one_time_tokens, refresh_tokens, webhook_deliveries,
};

/// One-time links (confirmation, reset) that expired before `before`.
pub fn links(conn: &mut DbConnection, before: NaiveDateTime, batch: i64) -> QueryResult<usize> {
    let ids: Vec<i64> = one_time_tokens::table
        .filter(one_time_tokens::expires_at.le(before))
        .select(one_time_tokens::id)
        .limit(batch)
        .load(conn)?;
    if ids.is_empty() {
        return Ok(0);
    }
    diesel::delete(
        one_time_tokens::table
            .filter(one_time_tokens::id.eq_any(ids))
            .filter(one_time_tokens::expires_at.le(before)),
    )
    .execute(conn)
}

/// Refresh-token families of which every token expired before `before`: the sign-in is over, and
/// no token of it can be replayed any more. A family still in use keeps its old tokens, which are
/// how a replay is recognised.
pub fn refresh_families(
    conn: &mut DbConnection,
    before: NaiveDateTime,
    batch: i64,
) -> QueryResult<usize> {
    let families: Vec<String> = refresh_tokens::table
        .group_by(refresh_tokens::family)
        .having(max(refresh_tokens::expires_at).le(before))
        .select(refresh_tokens::family)
        .limit(batch)
        .load(conn)?;
    if families.is_empty() {
        return Ok(0);
    }
    // A token renewed into one of them meanwhile expires later, and stays.
    diesel::delete(
        refresh_tokens::table
            .filter(refresh_tokens::family.eq_any(families))
            .filter(refresh_tokens::expires_at.le(before)),
    )
    .execute(conn)
}

/// Answers kept for `Idempotency-Key`s written before `before`.
pub fn idempotency_keys(
    conn: &mut DbConnection,
    before: NaiveDateTime,
    batch: i64,
) -> QueryResult<usize> {
    let ids: Vec<i64> = idempotency_keys::table
        .filter(idempotency_keys::created_at.le(before))
        .select(idempotency_keys::id)
        .limit(batch)
        .load(conn)?;
    if ids.is_empty() {
        return Ok(0);
    }
    diesel::delete(
        idempotency_keys::table
            .filter(idempotency_keys::id.eq_any(ids))
            .filter(idempotency_keys::created_at.le(before)),
    )
    .execute(conn)
}

/// Webhook deliveries made before `before` that are over (delivered or given up), with their
/// tries (by the foreign key's cascade). One still pending stays, however old.
pub fn webhook_deliveries(
    conn: &mut DbConnection,
    before: NaiveDateTime,
    batch: i64,
) -> QueryResult<usize> {
    let ids: Vec<i64> = webhook_deliveries::table
        .filter(webhook_deliveries::created_at.le(before))
        .filter(webhook_deliveries::state.ne(DeliveryState::Pending))
        .select(webhook_deliveries::id)
        .limit(batch)
        .load(conn)?;
    if ids.is_empty() {
        return Ok(0);
    }
    // Checked again: one sent again by hand meanwhile is pending, and stays.
    diesel::delete(
        webhook_deliveries::table
            .filter(webhook_deliveries::id.eq_any(ids))
            .filter(webhook_deliveries::created_at.le(before))
            .filter(webhook_deliveries::state.ne(DeliveryState::Pending)),
    )
    .execute(conn)
}

/// Attempts made before `before` (by the index on their time). The statistics are aggregates
/// kept apart from the log, and do not change.
pub fn attempts(conn: &mut DbConnection, before: NaiveDateTime, batch: i64) -> QueryResult<usize> {
    let ids: Vec<i64> = attempts::table
        .filter(attempts::attempted_at.lt(before))
        .order((attempts::attempted_at, attempts::id))
        .select(attempts::id)
        .limit(batch)
        .load(conn)?;
    if ids.is_empty() {
        return Ok(0);
    }
    diesel::delete(attempts::table.filter(attempts::id.eq_any(ids))).execute(conn)
}
