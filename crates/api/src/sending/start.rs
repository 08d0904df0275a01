//! Starting and stopping runs, the same for the API, the command line and the scheduler.

use chrono::NaiveDateTime;
use mailroom_domain::delivery::{RunTrigger, SendRefusal};

use super::mailing;
use super::queue;
use crate::db::queries::deliveries::{self, RunsOf};
use crate::db::queries::{mailings, runs};
use crate::db::rows::{MailingRow, NewRun, RunRow};
use crate::db::{DbConnection, DbError};
use crate::webhooks::outbox;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("no mailing {0}")]
    NoMailing(i64),
    #[error(transparent)]
    Refused(#[from] SendRefusal),
    #[error("run {0} of this mailing is still sending; wait for it to finish")]
    Busy(i64),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for StartError {
    fn from(e: diesel::result::Error) -> Self {
        StartError::Db(e.into())
    }
}

/// Makes a run of the mailing now (on demand) and queues its audience: refused when it may not
/// send or a run of it is still going. A one-time mailing's pending slot is used up by it:
/// `once` sends once.
pub fn start_now(
    conn: &mut DbConnection,
    mailing_id: i64,
    now: NaiveDateTime,
) -> Result<RunRow, StartError> {
    let run = crate::db::write_transaction::<_, StartError, _>(conn, |conn| {
        // Locked: a scheduler tick, an edit or a second click waits for this run to be made.
        let mailing = mailing::lock(conn, mailing_id)?.ok_or(StartError::NoMailing(mailing_id))?;
        if let Some(refusal) = mailing::refusal(conn, &mailing, now)? {
            return Err(refusal.into());
        }
        if let Some(busy) = runs::unfinished(conn, mailing_id)? {
            return Err(StartError::Busy(busy));
        }
        if let Some(slot) = mailing.next_run_at {
            let left = mailing.schedule.after_manual_run(Some(slot));
            if left != Some(slot) {
                mailings::advance_schedule(conn, mailing_id, slot, left)?;
            }
        }
        Ok(runs::create(
            conn,
            &NewRun {
                mailing_id,
                trigger: RunTrigger::Manual,
                scheduled_for: None,
                created_at: now,
            },
        )?)
    })?;
    // Made: should this process stop now, the next scheduler tick queues it.
    queued(conn, run, now)?.ok_or(StartError::NoMailing(mailing_id))
}

/// Queues the run just made; the run as it is then. An error leaves its queueing to the next
/// scheduler tick: the run exists, and answering as if it did not would only make a retry meet
/// it as still sending.
fn queued(
    conn: &mut DbConnection,
    run: RunRow,
    now: NaiveDateTime,
) -> Result<Option<RunRow>, DbError> {
    match queue::queue(conn, run.id, queue::BATCH, now) {
        Ok(queued) => Ok(queued),
        Err(error) => {
            tracing::error!(run = run.id, %error, "run made, not queued yet: the scheduler queues it");
            Ok(Some(runs::find(conn, run.id).ok().flatten().unwrap_or(run)))
        }
    }
}

/// Takes the mailing's due schedule slot, makes its run and queues it. The slot is taken even when
/// the mailing may not send then (it is skipped, not postponed); slots missed while no scheduler
/// ran collapse into one run. `Ok(None)`: another process took the slot, or no run was made. An
/// error before the run is made takes nothing: the slot is tried again at the next tick.
pub fn start_scheduled(
    conn: &mut DbConnection,
    due: &MailingRow,
    now: NaiveDateTime,
) -> Result<Option<RunRow>, StartError> {
    let Some(slot) = due.next_run_at else {
        return Ok(None);
    };
    let run = crate::db::write_transaction::<_, StartError, _>(conn, |conn| {
        // Read again, locked: the mailing as it is now, not as the list of due ones found it.
        let Some(mailing) = mailing::lock(conn, due.id)? else {
            return Ok(None);
        };
        let mailing = &mailing;
        if mailing.next_run_at != Some(slot) {
            return Ok(None);
        }
        let next = mailing
            .schedule
            .next_after(mailing.starts_at, mailing.ends_at, slot.max(now));
        if mailings::advance_schedule(conn, mailing.id, slot, next)? == 0 {
            return Ok(None);
        }
        if let Some(refusal) = mailing::refusal(conn, mailing, now)? {
            tracing::info!(mailing = mailing.id, %slot, reason = %refusal, "scheduled send skipped");
            return Ok(None);
        }
        if let Some(busy) = runs::unfinished(conn, mailing.id)? {
            tracing::warn!(mailing = mailing.id, %slot, run = busy, "scheduled send skipped: the previous run is still sending or paused");
            return Ok(None);
        }
        Ok(Some(runs::create(
            conn,
            &NewRun {
                mailing_id: mailing.id,
                trigger: RunTrigger::Schedule,
                scheduled_for: Some(slot),
                created_at: now,
            },
        )?))
    })?;
    let Some(run) = run else {
        return Ok(None);
    };
    let run = queued(conn, run, now)?;
    if let Some(run) = &run {
        tracing::info!(mailing = run.mailing_id, run = run.id, %slot, deliveries = run.total, "scheduled run queued");
    }
    Ok(run)
}

/// Stops sending now in `scope`: the pending deliveries of its unfinished runs are cancelled (the
/// ones a worker is sending at this instant finish), and the runs left with nothing pending are
/// finished. Returns the runs touched. For a disabled mailing, a blocked owner, an ended mailing.
pub fn stop(
    conn: &mut DbConnection,
    scope: RunsOf,
    now: NaiveDateTime,
) -> Result<Vec<i64>, DbError> {
    crate::db::write_transaction(conn, |conn| {
        let touched = deliveries::cancel(conn, scope, now)?;
        runs::finish_done(conn, &touched, now)?;
        outbox::runs_finished(conn, &touched, now)?;
        Ok(touched)
    })
}
