//! An owner's controls of a run: pause, resume, cancel. The rules are `mailroom_domain::run_control`.

use chrono::NaiveDateTime;
use mailroom_domain::run_control::{ControlRefusal, RunAction, check};

use crate::db::queries::deliveries::{self, RunsOf};
use crate::db::queries::runs;
use crate::db::rows::RunRow;
use crate::db::{DbConnection, DbError, write_transaction};
use crate::sending::start::stop;

#[derive(Debug, thiserror::Error)]
pub enum ControlError {
    #[error("no run {run} of mailing {mailing}")]
    NoRun { mailing: i64, run: i64 },
    #[error(transparent)]
    Refused(#[from] ControlRefusal),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for ControlError {
    fn from(e: diesel::result::Error) -> Self {
        ControlError::Db(e.into())
    }
}

/// Applies `action` to run `run_id` of mailing `mailing_id`; the run as it is after.
pub fn apply(
    conn: &mut DbConnection,
    mailing_id: i64,
    run_id: i64,
    action: RunAction,
    now: NaiveDateTime,
) -> Result<RunRow, ControlError> {
    write_transaction(conn, |conn| {
        // The mailing is locked (after its owner, the order every writer takes), never the run
        // row first: workers write deliveries, then the run, and so does a cancel here.
        super::mailing::lock(conn, mailing_id)?;
        let run = runs::find(conn, run_id)?
            .filter(|r| r.mailing_id == mailing_id)
            .ok_or(ControlError::NoRun {
                mailing: mailing_id,
                run: run_id,
            })?;
        // Cancelled, it is over for its owner even while a worker finishes what it holds.
        let over = run.finished_at.is_some() || run.cancelled_at.is_some();
        check(action, run.id, over, run.paused_at.is_some())?;
        match action {
            // Deliveries before the run, as workers write them.
            RunAction::Pause => {
                deliveries::hold(conn, run.id, true, now)?;
                runs::set_paused(conn, run.id, Some(now))?;
            }
            RunAction::Resume => {
                deliveries::hold(conn, run.id, false, now)?;
                runs::set_paused(conn, run.id, None)?;
            }
            RunAction::Cancel => {
                stop(conn, RunsOf::Run(run.id), now)?;
                runs::set_cancelled(conn, run.id, now)?;
                // No batch is being queued meanwhile: this holds the mailing. A run still being
                // queued is finished only here: then its end is told here.
                let was_over = runs::find(conn, run.id)?.is_some_and(|r| r.finished_at.is_some());
                runs::stop_queueing(conn, run.id, now)?;
                if !was_over {
                    crate::webhooks::outbox::runs_finished(conn, &[run.id], now)?;
                }
            }
        }
        runs::find(conn, run.id)?.ok_or(ControlError::NoRun {
            mailing: mailing_id,
            run: run_id,
        })
    })
}
