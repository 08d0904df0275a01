//! The webhook outbox (`webhook_deliveries`) and its tries (`webhook_delivery_tries`).

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};
use mailroom_domain::webhook::EventType;
use mailroom_domain::webhook_delivery::{DeliveryState, MAX_BATCH};

use crate::db::DbConnection;
use crate::db::rows::{NewWebhookDeliveryRow, WebhookDeliveryRow, WebhookRow, WebhookTryRow};
use crate::db::schema::{
    webhook_deliveries, webhook_delivery_tries, webhook_subscriptions, webhooks,
};

/// The enabled endpoints of these owners that are sent any of these events: (endpoint, owner,
/// event) for each subscription.
pub fn subscribers(
    conn: &mut DbConnection,
    owner_ids: &[i64],
    events: &[EventType],
) -> QueryResult<Vec<(i64, i64, EventType)>> {
    webhooks::table
        .inner_join(webhook_subscriptions::table)
        .filter(webhooks::owner_id.eq_any(owner_ids))
        .filter(webhooks::enabled.eq(true))
        .filter(webhook_subscriptions::event_type.eq_any(events))
        .select((
            webhooks::id,
            webhooks::owner_id,
            webhook_subscriptions::event_type,
        ))
        .load(conn)
}

pub fn insert(conn: &mut DbConnection, new: &NewWebhookDeliveryRow<'_>) -> QueryResult<i64> {
    diesel::insert_into(webhook_deliveries::table)
        .values(new)
        .returning(webhook_deliveries::id)
        .get_result(conn)
}

// The endpoint's open batch of this event with room for `count` more. One that another
// transaction holds (a sender in another process appending, or the job closing it) is skipped:
// the caller opens a new batch rather than wait for that transaction to commit.
const APPEND_POSTGRES: &str = "\
UPDATE webhook_deliveries SET data = data || ',' || $1, items = items + $2
WHERE id = (SELECT id FROM webhook_deliveries
            WHERE webhook_id = $3 AND event_type = $4 AND open AND items + $2 <= $5
            ORDER BY id DESC LIMIT 1 FOR UPDATE SKIP LOCKED)
  AND open
RETURNING id";

// SQLite has one writer at a time: the statement alone is atomic.
const APPEND_SQLITE: &str = "\
UPDATE webhook_deliveries SET data = data || ',' || ?1, items = items + ?2
WHERE id = (SELECT id FROM webhook_deliveries
            WHERE webhook_id = ?3 AND event_type = ?4 AND open AND items + ?2 <= ?5
            ORDER BY id DESC LIMIT 1)
  AND open
RETURNING id";

#[derive(QueryableByName)]
struct Appended {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Appends `count` attempts (`items`: their JSON objects, comma-joined) to the endpoint's open
/// batch of `event` when one has room for them: its id then.
pub fn append(
    conn: &mut DbConnection,
    webhook_id: i64,
    event: EventType,
    items: &str,
    count: i32,
) -> QueryResult<Option<i64>> {
    let max = i32::try_from(MAX_BATCH).unwrap_or(i32::MAX);
    macro_rules! append_with {
        ($conn:expr, $sql:expr) => {
            diesel::sql_query($sql)
                .bind::<Text, _>(items)
                .bind::<Integer, _>(count)
                .bind::<BigInt, _>(webhook_id)
                .bind::<Text, _>(event.as_str())
                .bind::<Integer, _>(max)
                .get_result::<Appended>($conn)
                .optional()
        };
    }
    let appended = match conn {
        DbConnection::Postgres(pg) => append_with!(pg, APPEND_POSTGRES)?,
        DbConnection::Sqlite(sqlite) => append_with!(sqlite, APPEND_SQLITE)?,
    };
    Ok(appended.map(|row| row.id))
}

/// What a job found when it came to take its delivery.
#[derive(Debug)]
pub enum Claim {
    /// Taken: the delivery and its endpoint.
    Taken(Box<(WebhookDeliveryRow, WebhookRow)>),
    /// Due under this schedule, but another try holds it (until then): a try that died, or one
    /// whose record failed; the job must come back once that lease ends.
    Held(NaiveDateTime),
    /// Nothing for this job to do: delivered, given up, rescheduled since, or deleted.
    Stale,
}

/// Takes the delivery for one try: only the job scheduled last (`schedule`), only while it is
/// pending, and only when no other try holds it. A batch is closed by it: what it holds now is
/// what is sent, on this try and every other.
pub fn claim(
    conn: &mut DbConnection,
    id: i64,
    schedule: i64,
    lease: i64,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<Claim> {
    let taken = diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::id.eq(id))
            .filter(webhook_deliveries::schedule.eq(schedule))
            .filter(webhook_deliveries::state.eq(DeliveryState::Pending))
            .filter(
                webhook_deliveries::leased_until
                    .is_null()
                    .or(webhook_deliveries::leased_until.le(now)),
            ),
    )
    .set((
        webhook_deliveries::lease.eq(Some(lease)),
        webhook_deliveries::leased_until.eq(Some(until)),
        webhook_deliveries::open.eq(false),
    ))
    .execute(conn)?;
    if taken == 0 {
        let held: Option<Option<NaiveDateTime>> = webhook_deliveries::table
            .filter(webhook_deliveries::id.eq(id))
            .filter(webhook_deliveries::schedule.eq(schedule))
            .filter(webhook_deliveries::state.eq(DeliveryState::Pending))
            .select(webhook_deliveries::leased_until)
            .first(conn)
            .optional()?;
        return Ok(match held.flatten() {
            Some(until) => Claim::Held(until),
            None => Claim::Stale,
        });
    }
    let found = webhook_deliveries::table
        .inner_join(webhooks::table)
        .filter(webhook_deliveries::id.eq(id))
        .select((WebhookDeliveryRow::as_select(), WebhookRow::as_select()))
        .first(conn)
        .optional()?;
    Ok(found.map_or(Claim::Stale, |pair| Claim::Taken(Box::new(pair))))
}

/// One try as it is kept, and where it leaves the delivery.
#[derive(Debug, Clone)]
pub struct Tried {
    pub at: NaiveDateTime,
    pub status_code: Option<i32>,
    pub error: Option<String>,
    pub duration_ms: i32,
    pub state: DeliveryState,
    /// The next try, when there is one.
    pub next_try_at: Option<NaiveDateTime>,
}

/// Records a try of a delivery held by `lease`; `false` (nothing written) when the lease was
/// lost meanwhile. A retry moves the schedule on: the job it is given carries the new value.
pub fn record_try(
    conn: &mut DbConnection,
    id: i64,
    lease: i64,
    tried: &Tried,
) -> QueryResult<bool> {
    let error: Option<String> = tried
        .error
        .as_ref()
        .map(|e| e.chars().filter(|&c| c != '\0').take(500).collect());
    let updated = diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::id.eq(id))
            .filter(webhook_deliveries::lease.eq(lease)),
    )
    .set((
        webhook_deliveries::state.eq(tried.state),
        webhook_deliveries::tries.eq(webhook_deliveries::tries + 1),
        webhook_deliveries::next_try_at.eq(tried.next_try_at),
        webhook_deliveries::schedule.eq(webhook_deliveries::schedule + 1),
        webhook_deliveries::lease.eq(None::<i64>),
        webhook_deliveries::leased_until.eq(None::<NaiveDateTime>),
        webhook_deliveries::last_error.eq(&error),
    ))
    .execute(conn)?;
    if updated == 0 {
        return Ok(false);
    }
    diesel::insert_into(webhook_delivery_tries::table)
        .values((
            webhook_delivery_tries::delivery_id.eq(id),
            webhook_delivery_tries::tried_at.eq(tried.at),
            webhook_delivery_tries::status_code.eq(tried.status_code),
            webhook_delivery_tries::error.eq(&error),
            webhook_delivery_tries::duration_ms.eq(tried.duration_ms),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Gives a delivery up without a try (its endpoint was disabled): `reason` says why.
pub fn give_up(conn: &mut DbConnection, id: i64, lease: i64, reason: &str) -> QueryResult<usize> {
    diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::id.eq(id))
            .filter(webhook_deliveries::lease.eq(lease)),
    )
    .set((
        webhook_deliveries::state.eq(DeliveryState::Failed),
        webhook_deliveries::next_try_at.eq(None::<NaiveDateTime>),
        webhook_deliveries::lease.eq(None::<i64>),
        webhook_deliveries::leased_until.eq(None::<NaiveDateTime>),
        webhook_deliveries::last_error.eq(Some(reason)),
    ))
    .execute(conn)
}

/// Gives up every pending delivery of an endpoint that was just disabled.
pub fn give_up_pending(
    conn: &mut DbConnection,
    webhook_id: i64,
    reason: &str,
) -> QueryResult<usize> {
    diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::webhook_id.eq(webhook_id))
            .filter(webhook_deliveries::state.eq(DeliveryState::Pending))
            .filter(webhook_deliveries::lease.is_null()),
    )
    .set((
        webhook_deliveries::state.eq(DeliveryState::Failed),
        webhook_deliveries::open.eq(false),
        webhook_deliveries::next_try_at.eq(None::<NaiveDateTime>),
        webhook_deliveries::schedule.eq(webhook_deliveries::schedule + 1),
        webhook_deliveries::last_error.eq(Some(reason)),
    ))
    .execute(conn)
}

/// Makes a delivery due again now, whatever became of it (its owner asked), with a fresh round
/// of tries, unless a try holds it: the new schedule value then, for the job that will send it.
pub fn reschedule(
    conn: &mut DbConnection,
    id: i64,
    now: NaiveDateTime,
) -> QueryResult<Option<i64>> {
    let updated = diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::id.eq(id))
            .filter(
                webhook_deliveries::leased_until
                    .is_null()
                    .or(webhook_deliveries::leased_until.le(now)),
            ),
    )
    .set((
        webhook_deliveries::state.eq(DeliveryState::Pending),
        // A resend starts the retry schedule over; every try stays in the log.
        webhook_deliveries::tries.eq(0),
        webhook_deliveries::next_try_at.eq(Some(now)),
        webhook_deliveries::schedule.eq(webhook_deliveries::schedule + 1),
    ))
    .execute(conn)?;
    if updated == 0 {
        return Ok(None);
    }
    webhook_deliveries::table
        .find(id)
        .select(webhook_deliveries::schedule)
        .first(conn)
        .optional()
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<WebhookDeliveryRow>> {
    webhook_deliveries::table
        .find(id)
        .select(WebhookDeliveryRow::as_select())
        .first(conn)
        .optional()
}

/// One page of an endpoint's deliveries by creation (newest first when `descending`), and how
/// many it has.
pub fn list(
    conn: &mut DbConnection,
    webhook_id: i64,
    descending: bool,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<WebhookDeliveryRow>, i64)> {
    let scoped = || {
        webhook_deliveries::table
            .filter(webhook_deliveries::webhook_id.eq(webhook_id))
            .into_boxed()
    };
    let total = scoped().count().get_result(conn)?;
    let ordered = if descending {
        scoped().order(webhook_deliveries::id.desc())
    } else {
        scoped().order(webhook_deliveries::id.asc())
    };
    let rows = ordered
        .offset(offset)
        .limit(limit)
        .select(WebhookDeliveryRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// The tries of these deliveries, each one's oldest first.
pub fn tries_of(
    conn: &mut DbConnection,
    ids: &[i64],
) -> QueryResult<HashMap<i64, Vec<WebhookTryRow>>> {
    let rows: Vec<WebhookTryRow> = webhook_delivery_tries::table
        .filter(webhook_delivery_tries::delivery_id.eq_any(ids))
        .order(webhook_delivery_tries::id)
        .select(WebhookTryRow::as_select())
        .load(conn)?;
    let mut tries: HashMap<i64, Vec<WebhookTryRow>> = HashMap::new();
    for row in rows {
        tries.entry(row.delivery_id).or_default().push(row);
    }
    Ok(tries)
}

/// How an endpoint fares: a delivered try clears its failing streak; a failed one starts it
/// (if none is running). Since when it has been failing, after this try.
pub fn note_outcome(
    conn: &mut DbConnection,
    webhook_id: i64,
    delivered: bool,
    now: NaiveDateTime,
) -> QueryResult<Option<NaiveDateTime>> {
    let target = webhooks::table.find(webhook_id);
    if delivered {
        diesel::update(target.filter(webhooks::failing_since.is_not_null()))
            .set(webhooks::failing_since.eq(None::<NaiveDateTime>))
            .execute(conn)?;
        return Ok(None);
    }
    diesel::update(target.filter(webhooks::failing_since.is_null()))
        .set(webhooks::failing_since.eq(Some(now)))
        .execute(conn)?;
    webhooks::table
        .find(webhook_id)
        .select(webhooks::failing_since)
        .first(conn)
        .optional()
        .map(Option::flatten)
}

/// Mailroom disables an endpoint, saying why: `false` when it was disabled already.
pub fn disable(
    conn: &mut DbConnection,
    webhook_id: i64,
    reason: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(
        webhooks::table
            .find(webhook_id)
            .filter(webhooks::enabled.eq(true)),
    )
    .set((
        webhooks::enabled.eq(false),
        webhooks::disabled_reason.eq(Some(reason)),
        webhooks::failing_since.eq(None::<NaiveDateTime>),
        webhooks::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(changed > 0)
}
