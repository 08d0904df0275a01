//! Bounces and complaints (`delivery_events`), and the deliveries and attempts they are about.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use mailroom_domain::bounce::EventKind;
use mailroom_domain::delivery::DeliveryState;

use super::lower;
use crate::db::DbConnection;
use crate::db::rows::{DeliveryEventRow, NewDeliveryEvent};
use crate::db::schema::{attempts, deliveries, delivery_events, mailings, runs};

/// A delivery as an event needs it: whose it was, where it went, and how it ended.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct DeliveryOf {
    pub id: i64,
    pub run_id: i64,
    pub mailing_id: i64,
    pub owner_id: i64,
    pub client_id: Option<i64>,
    pub email: String,
    pub state: DeliveryState,
    /// For a finished delivery: when its last try was made.
    pub last_try_at: NaiveDateTime,
}

/// The deliveries with these ids that still exist, with their mailing and owner.
pub fn deliveries_of(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<DeliveryOf>> {
    deliveries::table
        .inner_join(runs::table.inner_join(mailings::table))
        .filter(deliveries::id.eq_any(ids))
        .order(deliveries::id)
        .select((
            deliveries::id,
            deliveries::run_id,
            runs::mailing_id,
            mailings::owner_id,
            deliveries::client_id,
            deliveries::email,
            deliveries::state,
            deliveries::next_attempt_at,
        ))
        .load(conn)
}

/// The delivery's last attempt: a finished delivery's due time is the time of its last try
/// (`sending::worker`), which the attempts' index by mailing and time finds at once.
pub fn last_attempt(conn: &mut DbConnection, delivery: &DeliveryOf) -> QueryResult<Option<i64>> {
    attempts::table
        .filter(attempts::mailing_id.eq(delivery.mailing_id))
        .filter(attempts::attempted_at.eq(delivery.last_try_at))
        .filter(attempts::run_id.eq(delivery.run_id))
        .filter(attempts::client_email.eq(&delivery.email))
        .order(attempts::id.desc())
        .select(attempts::id)
        .first(conn)
        .optional()
}

/// Makes the reports about one owner's address take turns, until the caller's transaction ends:
/// on PostgreSQL two of them applied at once (by two job runners) would each count the soft
/// bounces in a row without the other's, and neither reach the limit. SQLite's writers take
/// turns anyway.
pub fn lock_address(conn: &mut DbConnection, owner_id: i64, email: &str) -> QueryResult<()> {
    use sha2::{Digest, Sha256};
    let DbConnection::Postgres(pg) = conn else {
        return Ok(());
    };
    let digest = Sha256::digest(format!("{owner_id}\0{}", email.to_lowercase()));
    let mut key = [0_u8; 8];
    key.copy_from_slice(&digest[..8]);
    diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
        .bind::<diesel::sql_types::BigInt, _>(i64::from_be_bytes(key))
        .execute(pg)?;
    Ok(())
}

/// Records an event; `None` when the delivery has one of this kind already (a report sent twice,
/// or read by two processes at once, counts once).
pub fn insert(conn: &mut DbConnection, event: &NewDeliveryEvent<'_>) -> QueryResult<Option<i64>> {
    // ON CONFLICT is spelt for each backend: the multi-connection's query builder has none.
    match conn {
        DbConnection::Postgres(pg) => diesel::insert_into(delivery_events::table)
            .values(event)
            .on_conflict_do_nothing()
            .returning(delivery_events::id)
            .get_result(pg)
            .optional(),
        DbConnection::Sqlite(sqlite) => diesel::insert_into(delivery_events::table)
            .values(event)
            .on_conflict_do_nothing()
            .returning(delivery_events::id)
            .get_result(sqlite)
            .optional(),
    }
}

/// Soft bounces of the owner's address in a row around `delivery`, in the order the mail was
/// sent: those about deliveries between the nearest clean ones before and after it (accepted,
/// and no bounce since; `client_id`: whose deliveries those are), since the address was last
/// taken off the suppression list. Reports come late and in any order: a DSN may arrive days
/// after the next mail went out, which then only looks clean for now.
pub fn soft_in_a_row(
    conn: &mut DbConnection,
    owner_id: i64,
    email: &str,
    client_id: Option<i64>,
    delivery_id: i64,
) -> QueryResult<i64> {
    let (before, after) = match client_id {
        Some(client_id) => {
            let bounced = delivery_events::table
                .filter(delivery_events::delivery_id.eq(deliveries::id))
                .select(delivery_events::id);
            let clean = || {
                deliveries::table
                    .filter(deliveries::client_id.eq(client_id))
                    .filter(deliveries::state.eq(DeliveryState::Sent))
                    .filter(diesel::dsl::not(diesel::dsl::exists(bounced)))
            };
            let before = clean()
                .filter(deliveries::id.lt(delivery_id))
                .select(diesel::dsl::max(deliveries::id))
                .first::<Option<i64>>(conn)?;
            let after = clean()
                .filter(deliveries::id.gt(delivery_id))
                .select(diesel::dsl::min(deliveries::id))
                .first::<Option<i64>>(conn)?;
            (before, after)
        }
        None => (None, None),
    };
    delivery_events::table
        .filter(delivery_events::owner_id.eq(owner_id))
        .filter(delivery_events::email_lower.eq(lower(email.to_owned())))
        .filter(delivery_events::kind.eq(EventKind::SoftBounce))
        .filter(delivery_events::in_streak.eq(true))
        .filter(delivery_events::delivery_id.gt(before.unwrap_or(0)))
        .filter(delivery_events::delivery_id.lt(after.unwrap_or(i64::MAX)))
        .count()
        .get_result(conn)
}

/// Ends the owner's address's soft-bounce streak: the address came off the suppression list, and
/// the soft bounces before count no more.
pub fn end_streak(conn: &mut DbConnection, owner_id: i64, email: &str) -> QueryResult<usize> {
    diesel::update(
        delivery_events::table
            .filter(delivery_events::owner_id.eq(owner_id))
            .filter(delivery_events::email_lower.eq(lower(email.to_owned())))
            .filter(delivery_events::kind.eq(EventKind::SoftBounce))
            .filter(delivery_events::in_streak.eq(true)),
    )
    .set(delivery_events::in_streak.eq(false))
    .execute(conn)
}

/// The events about these attempts, oldest first.
pub fn of_attempts(
    conn: &mut DbConnection,
    attempt_ids: &[i64],
) -> QueryResult<Vec<DeliveryEventRow>> {
    if attempt_ids.is_empty() {
        return Ok(Vec::new());
    }
    delivery_events::table
        .filter(delivery_events::attempt_id.eq_any(attempt_ids))
        .order(delivery_events::id)
        .select(DeliveryEventRow::as_select())
        .load(conn)
}
