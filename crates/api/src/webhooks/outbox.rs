//! Writing events into the outbox: on the caller's connection, inside the transaction of what
//! caused them, so that an event exists exactly when its cause does. Each endpoint subscribed
//! to it gets a delivery and a job that sends it. Attempts are batched per endpoint: the
//! sender's group commits append to an open batch until it holds 100 or its job closes it a
//! moment later.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::NaiveDateTime;
use mailroom_domain::AttemptStatus;
use mailroom_domain::webhook::EventType;
use mailroom_domain::webhook_delivery::{MAX_BATCH, TEST_EVENT};
use mailroom_domain::wire::{AttemptData, RunData, SuppressedData, UnsubscribedData};
use rand::RngCore;
use serde::Serialize;

use super::deliver::DeliverWebhook;
use crate::db::queries::clients::{self, Unsubscribed};
use crate::db::queries::{runs, webhook_deliveries};
use crate::db::rows::{NewWebhookDeliveryRow, RunRow, SuppressionRow};
use crate::db::{DbConnection, DbError};
use crate::jobs::BackgroundJob;

/// How long a batch of attempts waits for more before it is sent.
pub const BATCH_WINDOW: Duration = Duration::from_secs(1);

/// Writes `event` for each of the owner's endpoints subscribed to it; how many.
pub fn emit<D: Serialize>(
    conn: &mut DbConnection,
    owner_id: i64,
    event: EventType,
    data: &D,
    now: NaiveDateTime,
) -> Result<usize, DbError> {
    let endpoints = webhook_deliveries::subscribers(conn, &[owner_id], &[event])?;
    if endpoints.is_empty() {
        return Ok(0);
    }
    let data = to_json(data)?;
    for (webhook_id, _, _) in &endpoints {
        write(conn, *webhook_id, event.as_str(), &data, 0, now, now)?;
    }
    Ok(endpoints.len())
}

/// Writes a `webhook.test` event for one endpoint, whatever it is subscribed to: its id (its job
/// carries schedule 0).
pub fn test<D: Serialize>(
    conn: &mut DbConnection,
    webhook_id: i64,
    data: &D,
    now: NaiveDateTime,
) -> Result<i64, DbError> {
    let data = to_json(data)?;
    write(conn, webhook_id, TEST_EVENT, &data, 0, now, now)
}

/// What a group commit of the sender tells: its attempts (each with its owner), added to the
/// batches of the endpoints subscribed to them, and the runs it finished (`delivery_ids`: the
/// outcomes'). One query when none of the owners has an endpoint for any of it.
pub fn recorded(
    conn: &mut DbConnection,
    owners: &[i64],
    attempts: &[(i64, AttemptData)],
    delivery_ids: &[i64],
    now: NaiveDateTime,
) -> Result<(), DbError> {
    if owners.is_empty() {
        return Ok(());
    }
    let kinds = [
        EventType::AttemptSucceeded,
        EventType::AttemptFailed,
        EventType::RunCompleted,
    ];
    let endpoints = webhook_deliveries::subscribers(conn, owners, &kinds)?;
    if endpoints.is_empty() {
        return Ok(());
    }
    if endpoints
        .iter()
        .any(|(_, _, e)| *e == EventType::RunCompleted)
    {
        let run_ids = runs::of_deliveries(conn, delivery_ids)?;
        runs_finished(conn, &run_ids, now)?;
    }
    batch_attempts(conn, &endpoints, attempts, now)
}

fn batch_attempts(
    conn: &mut DbConnection,
    endpoints: &[(i64, i64, EventType)],
    attempts: &[(i64, AttemptData)],
    now: NaiveDateTime,
) -> Result<(), DbError> {
    // Per endpoint and event, in the order the attempts came; serialized once each.
    let mut batches: BTreeMap<(i64, EventType), Vec<String>> = BTreeMap::new();
    for (owner, attempt) in attempts {
        let event = match attempt.status {
            AttemptStatus::Success => EventType::AttemptSucceeded,
            AttemptStatus::Failure => EventType::AttemptFailed,
        };
        let mut json = None;
        for (webhook_id, _, _) in endpoints
            .iter()
            .filter(|(_, o, e)| o == owner && *e == event)
        {
            let json = match &json {
                Some(json) => json,
                None => json.insert(to_json(attempt)?),
            };
            batches
                .entry((*webhook_id, event))
                .or_default()
                .push(json.clone());
        }
    }
    for ((webhook_id, event), items) in batches {
        for (index, chunk) in items.chunks(MAX_BATCH).enumerate() {
            let joined = chunk.join(",");
            let count = i32::try_from(chunk.len()).unwrap_or(i32::MAX);
            if index == 0
                && webhook_deliveries::append(conn, webhook_id, event, &joined, count)?.is_some()
            {
                continue;
            }
            let due = if chunk.len() < MAX_BATCH {
                now + crate::sending::worker::delta(BATCH_WINDOW)
            } else {
                now
            };
            write(conn, webhook_id, event.as_str(), &joined, count, now, due)?;
        }
    }
    Ok(())
}

/// Unsubscribes the client (`clients::unsubscribe`) and tells its owner's endpoints, the first
/// time; runs it leaves with nothing to send are completed.
pub fn unsubscribed(
    conn: &mut DbConnection,
    client_id: i64,
    now: NaiveDateTime,
) -> Result<Option<Unsubscribed>, DbError> {
    let Some(done) = clients::unsubscribe(conn, client_id, now)? else {
        return Ok(None);
    };
    if done.now {
        let data = UnsubscribedData {
            client_id,
            email: done.email.clone(),
            unsubscribed_at: now.and_utc(),
        };
        emit(
            conn,
            done.owner_id,
            EventType::ClientUnsubscribed,
            &data,
            now,
        )?;
    }
    runs_finished(conn, &done.runs, now)?;
    Ok(Some(done))
}

/// `client.suppressed` for an address that just went on its owner's list.
pub fn suppressed(
    conn: &mut DbConnection,
    entry: &SuppressionRow,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    let data = SuppressedData {
        suppression_id: entry.id,
        email: entry.email.clone(),
        reason: entry.reason,
        detail: entry.detail.clone(),
    };
    emit(
        conn,
        entry.owner_id,
        EventType::ClientSuppressed,
        &data,
        now,
    )?;
    Ok(())
}

/// `run.started` for a run whose audience was just queued whole.
pub fn run_started(
    conn: &mut DbConnection,
    run_id: i64,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    for (run, owner) in runs::with_owners(conn, &[run_id])? {
        emit(conn, owner, EventType::RunStarted, &run_data(&run), now)?;
    }
    Ok(())
}

/// `run.completed` for those of these runs that finished at `now` (in the caller's transaction).
pub fn runs_finished(
    conn: &mut DbConnection,
    run_ids: &[i64],
    now: NaiveDateTime,
) -> Result<(), DbError> {
    if run_ids.is_empty() {
        return Ok(());
    }
    for (run, owner) in runs::with_owners(conn, run_ids)? {
        if run.finished_at == Some(now) {
            emit(conn, owner, EventType::RunCompleted, &run_data(&run), now)?;
        }
    }
    Ok(())
}

fn run_data(run: &RunRow) -> RunData {
    RunData {
        mailing_id: run.mailing_id,
        run_id: run.id,
        total: run.total,
        sent: run.sent,
        failed: run.failed,
        cancelled: run.cancelled,
        suppressed: run.suppressed,
        finished_at: run.finished_at.map(|at| at.and_utc()),
    }
}

/// One delivery and its job, due at `due`. `items` > 0 marks a batch of attempts, open while it
/// has room.
fn write(
    conn: &mut DbConnection,
    webhook_id: i64,
    event: &str,
    data: &str,
    items: i32,
    now: NaiveDateTime,
    due: NaiveDateTime,
) -> Result<i64, DbError> {
    let message_id = message_id();
    let open = items > 0 && usize::try_from(items).is_ok_and(|n| n < MAX_BATCH);
    let id = webhook_deliveries::insert(
        conn,
        &NewWebhookDeliveryRow {
            webhook_id,
            event_type: event,
            message_id: &message_id,
            data,
            items,
            open,
            next_try_at: Some(due),
            created_at: now,
        },
    )?;
    DeliverWebhook {
        delivery: id,
        schedule: 0,
    }
    .enqueue_at(conn, now, due)?;
    Ok(id)
}

/// The `webhook-id` of a new delivery: unique, and telling nothing.
fn message_id() -> String {
    let mut bytes = [0_u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    format!("msg_{}", hex::encode(bytes))
}

fn to_json<D: Serialize>(data: &D) -> Result<String, DbError> {
    serde_json::to_string(data).map_err(|e| DbError::Corrupt(format!("an event's data: {e}")))
}
