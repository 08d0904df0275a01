//! Webhook endpoints (`webhooks`) and the events each is sent (`webhook_subscriptions`).

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use mailroom_domain::webhook::EventType;

use crate::db::DbConnection;
use crate::db::rows::{NewWebhookRow, WebhookChanges, WebhookRow};
use crate::db::schema::{webhook_subscriptions, webhooks};

/// Adds an endpoint with its events.
pub fn insert(
    conn: &mut DbConnection,
    new: &NewWebhookRow<'_>,
    events: &[EventType],
) -> QueryResult<WebhookRow> {
    let id: i64 = diesel::insert_into(webhooks::table)
        .values(new)
        .returning(webhooks::id)
        .get_result(conn)?;
    subscribe(conn, id, events)?;
    find(conn, id)?.ok_or(diesel::result::Error::NotFound)
}

fn subscribe(conn: &mut DbConnection, id: i64, events: &[EventType]) -> QueryResult<()> {
    // One row at a time: at most nine, and the multi-connection has no batch insert.
    for event in events {
        diesel::insert_into(webhook_subscriptions::table)
            .values((
                webhook_subscriptions::webhook_id.eq(id),
                webhook_subscriptions::event_type.eq(*event),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<WebhookRow>> {
    webhooks::table
        .find(id)
        .select(WebhookRow::as_select())
        .first(conn)
        .optional()
}

/// The events each of these endpoints is sent, in name order.
pub fn events_of(
    conn: &mut DbConnection,
    ids: &[i64],
) -> QueryResult<HashMap<i64, Vec<EventType>>> {
    let pairs: Vec<(i64, EventType)> = webhook_subscriptions::table
        .filter(webhook_subscriptions::webhook_id.eq_any(ids))
        .select((
            webhook_subscriptions::webhook_id,
            webhook_subscriptions::event_type,
        ))
        .load(conn)?;
    let mut events: HashMap<i64, Vec<EventType>> = HashMap::new();
    for (id, event) in pairs {
        events.entry(id).or_default().push(event);
    }
    for list in events.values_mut() {
        list.sort_unstable();
    }
    Ok(events)
}

/// One page of endpoints by creation (newest first when `descending`): one owner's, or (`None`) everyone's; and how many.
pub fn list(
    conn: &mut DbConnection,
    owner_id: Option<i64>,
    descending: bool,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<WebhookRow>, i64)> {
    let scoped = || {
        let mut query = webhooks::table.into_boxed();
        if let Some(owner) = owner_id {
            query = query.filter(webhooks::owner_id.eq(owner));
        }
        query
    };
    let total = scoped().count().get_result(conn)?;
    let ordered = if descending {
        scoped().order((webhooks::created_at.desc(), webhooks::id.desc()))
    } else {
        scoped().order((webhooks::created_at.asc(), webhooks::id.asc()))
    };
    let rows = ordered
        .offset(offset)
        .limit(limit)
        .select(WebhookRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Applies a change, and replaces the events when some are given.
pub fn update(
    conn: &mut DbConnection,
    id: i64,
    changes: &WebhookChanges,
    events: Option<&[EventType]>,
) -> QueryResult<WebhookRow> {
    diesel::update(webhooks::table.find(id))
        .set(changes)
        .execute(conn)?;
    if let Some(events) = events {
        diesel::delete(
            webhook_subscriptions::table.filter(webhook_subscriptions::webhook_id.eq(id)),
        )
        .execute(conn)?;
        subscribe(conn, id, events)?;
    }
    find(conn, id)?.ok_or(diesel::result::Error::NotFound)
}

/// A new secret; the one before keeps signing too until `previous_until`.
pub fn rotate(
    conn: &mut DbConnection,
    id: i64,
    secret: &str,
    previous_until: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<WebhookRow> {
    diesel::update(webhooks::table.find(id))
        .set((
            webhooks::previous_secret.eq(webhooks::secret.nullable()),
            webhooks::previous_secret_until.eq(Some(previous_until)),
            webhooks::secret.eq(secret),
            webhooks::updated_at.eq(now),
        ))
        .execute(conn)?;
    find(conn, id)?.ok_or(diesel::result::Error::NotFound)
}

pub fn delete(conn: &mut DbConnection, id: i64) -> QueryResult<usize> {
    diesel::delete(webhooks::table.find(id)).execute(conn)
}
