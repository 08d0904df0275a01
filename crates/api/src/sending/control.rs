//! An owner's controls of a run: pause, resume, cancel. The rules are `mailroom_domain::run_control`.

use chrono::NaiveDateTime;
use mailroom_domain::run_control::{ControlRefusal, RunAction, check};

use crate::db::queries::deliveries::RunsOf;
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
        // Locked: a second click, or a worker finishing the run, waits for this control.
        let run = runs::find_of_mailing_for_update(conn, mailing_id, run_id)?.ok_or(
            ControlError::NoRun {
                mailing: mailing_id,
                run: run_id,
            },
        )?;
        check(
            action,
            run.id,
            run.finished_at.is_some(),
            run.paused_at.is_some(),
        )?;
        match action {
            RunAction::Pause => {
                runs::set_paused(conn, run.id, Some(now))?;
            }
            RunAction::Resume => {
                runs::set_paused(conn, run.id, None)?;
            }
            RunAction::Cancel => {
                runs::set_paused(conn, run.id, None)?;
                stop(conn, RunsOf::Run(run.id), now)?;
            }
        }
        runs::find(conn, run.id)?.ok_or(ControlError::NoRun {
            mailing: mailing_id,
            run: run_id,
        })
    })
}
