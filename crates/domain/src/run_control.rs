//! What an owner may do to a run of their mailing: pause it, resume it, cancel it.

use crate::catalogue::{Explain, Msg, Said};

/// One of the owner's controls of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunAction {
    /// Queued deliveries wait; those a worker is sending finish.
    Pause,
    /// Queued deliveries go on.
    Resume,
    /// Queued deliveries are recorded as cancelled; those a worker is sending finish.
    Cancel,
}

/// Why a control does not apply to a run as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ControlRefusal {
    Finished(i64),
    Paused(i64),
    NotPaused(i64),
}

impl Explain for ControlRefusal {
    fn said(&self) -> Said {
        match *self {
            ControlRefusal::Finished(id) => Said::with(Msg::RunOver, [id]),
            ControlRefusal::Paused(id) => Said::with(Msg::RunPausedAlready, [id]),
            ControlRefusal::NotPaused(id) => Said::with(Msg::RunNotPaused, [id]),
        }
    }
}

crate::explained!(ControlRefusal);

/// Whether `action` applies to run `id`, finished or not, paused or not.
pub fn check(
    action: RunAction,
    id: i64,
    finished: bool,
    paused: bool,
) -> Result<(), ControlRefusal> {
    match action {
        _ if finished => Err(ControlRefusal::Finished(id)),
        RunAction::Pause if paused => Err(ControlRefusal::Paused(id)),
        RunAction::Resume if !paused => Err(ControlRefusal::NotPaused(id)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_running_run_may_be_paused_or_cancelled_but_not_resumed() {
        assert_eq!(check(RunAction::Pause, 1, false, false), Ok(()));
        assert_eq!(check(RunAction::Cancel, 1, false, false), Ok(()));
        assert_eq!(
            check(RunAction::Resume, 1, false, false),
            Err(ControlRefusal::NotPaused(1))
        );
    }

    #[test]
    fn a_paused_run_may_be_resumed_or_cancelled_but_not_paused_again() {
        assert_eq!(check(RunAction::Resume, 2, false, true), Ok(()));
        assert_eq!(check(RunAction::Cancel, 2, false, true), Ok(()));
        assert_eq!(
            check(RunAction::Pause, 2, false, true),
            Err(ControlRefusal::Paused(2))
        );
    }

    #[test]
    fn a_finished_run_takes_no_control() {
        for action in [RunAction::Pause, RunAction::Resume, RunAction::Cancel] {
            assert_eq!(
                check(action, 3, true, false),
                Err(ControlRefusal::Finished(3))
            );
        }
        assert_eq!(
            ControlRefusal::Finished(3).to_string(),
            "run 3 is over: nothing is left to pause, resume or cancel"
        );
    }
}
