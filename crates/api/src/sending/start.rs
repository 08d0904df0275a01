//! Starting and stopping runs, the same for the API, the command line and the scheduler.

use chrono::NaiveDateTime;
use mailroom_domain::UserState;
use mailroom_domain::delivery::{RunTrigger, SendRefusal, may_send};

use crate::db::queries::deliveries::{self, RunsOf};
use crate::db::queries::{audiences, mailings, runs, tags, users};
use crate::db::rows::{MailingRow, NewRun, RunRow};
use crate::db::{DbConnection, DbError};

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

/// Why `mailing` may not send at `now`, if it may not.
pub fn check(
    conn: &mut DbConnection,
    mailing: &MailingRow,
    now: NaiveDateTime,
) -> Result<(), StartError> {
    let owner_blocked =
        users::find(conn, mailing.owner_id)?.is_some_and(|u| u.state == UserState::Blocked);
    may_send(now, mailing.ends_at, mailing.disabled, owner_blocked)?;
    Ok(())
}

/// The mailing, locked after its owner's clients and tags (the order every writer of both
/// takes), or none when there is no such mailing.
fn lock(conn: &mut DbConnection, id: i64) -> Result<Option<MailingRow>, StartError> {
    Ok(lock_mailing(conn, id)?)
}

/// The mailing, locked after its owner's clients and tags: the order every writer of both takes.
pub fn lock_mailing(conn: &mut DbConnection, id: i64) -> Result<Option<MailingRow>, DbError> {
    let Some(owner) = mailings::find(conn, id)?.map(|m| m.owner_id) else {
        return Ok(None);
    };
    tags::lock_owner(conn, owner)?;
    Ok(mailings::find_for_update(conn, id)?)
}

/// Queues a run of the mailing now (on demand): refused when it may not send or a run of it is
/// still going. A one-time mailing's pending slot is used up by it: `once` sends once.
pub fn start_now(
    conn: &mut DbConnection,
    mailing_id: i64,
    now: NaiveDateTime,
) -> Result<RunRow, StartError> {
    let run = crate::db::write_transaction::<_, StartError, _>(conn, |conn| {
        // Locked: a scheduler tick, an edit or a second click waits for this run to be queued,
        // and a change of the owner's clients or tags for its audience to be counted.
        let mailing = lock(conn, mailing_id)?.ok_or(StartError::NoMailing(mailing_id))?;
        check(conn, &mailing, now)?;
        if let Some(busy) = runs::unfinished(conn, mailing_id)? {
            return Err(StartError::Busy(busy));
        }
        if let Some(slot) = mailing.next_run_at {
            let left = mailing.schedule.after_manual_run(Some(slot));
            if left != Some(slot) {
                mailings::advance_schedule(conn, mailing_id, slot, left)?;
            }
        }
        let audience = audiences::of(conn, &mailing)?;
        Ok(runs::create(
            conn,
            &NewRun {
                mailing_id,
                trigger: RunTrigger::Manual,
                scheduled_for: None,
                created_at: now,
            },
            &audience,
        )?)
    })?;
    runs::refresh_statistics(conn, run.total)?;
    Ok(run)
}

/// Takes the mailing's due schedule slot and queues its run. The slot is taken even when the
/// mailing may not send then (it is skipped, not postponed); slots missed while no scheduler ran
/// collapse into one run. `Ok(None)`: another process took the slot, or nothing was queued. An
/// error takes nothing: the slot is tried again at the next tick.
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
        let Some(mailing) = lock(conn, due.id)? else {
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
        match check(conn, mailing, now) {
            Ok(()) => {}
            Err(StartError::Refused(refusal)) => {
                tracing::info!(mailing = mailing.id, %slot, reason = %refusal, "scheduled send skipped");
                return Ok(None);
            }
            Err(error) => return Err(error),
        }
        if let Some(busy) = runs::unfinished(conn, mailing.id)? {
            tracing::warn!(mailing = mailing.id, %slot, run = busy, "scheduled send skipped: the previous run is still sending or paused");
            return Ok(None);
        }
        let audience = audiences::of(conn, mailing)?;
        let run = runs::create(
            conn,
            &NewRun {
                mailing_id: mailing.id,
                trigger: RunTrigger::Schedule,
                scheduled_for: Some(slot),
                created_at: now,
            },
            &audience,
        )?;
        tracing::info!(mailing = mailing.id, run = run.id, %slot, deliveries = run.total, "scheduled run queued");
        Ok(Some(run))
    })?;
    if let Some(run) = &run {
        runs::refresh_statistics(conn, run.total)?;
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
    let touched = deliveries::cancel(conn, scope, now)?;
    runs::finish_done(conn, &touched, now)?;
    Ok(touched)
}
