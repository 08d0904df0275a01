//! Whether this process's sender is sending: read by `/health/ready`, awaited by `mailroom worker`.

use std::sync::Arc;

use tokio::sync::watch;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SenderState {
    /// This process runs no sender (`NO_WORKER`, or `mailroom serve` before it starts).
    Off,
    Sending,
    /// The sender stopped by itself, for this reason: nothing is sent until the process restarts.
    Failed(String),
}

/// Shared by the sender, which reports, and whoever watches it; cheap to clone.
#[derive(Clone)]
pub struct SenderHealth(Arc<watch::Sender<SenderState>>);

impl Default for SenderHealth {
    fn default() -> Self {
        Self(Arc::new(watch::Sender::new(SenderState::Off)))
    }
}

impl SenderHealth {
    pub fn state(&self) -> SenderState {
        self.0.borrow().clone()
    }

    pub(super) fn set(&self, state: SenderState) {
        self.0.send_replace(state);
    }

    /// Waits until the sender fails, and says why.
    pub async fn failed(&self) -> String {
        let mut watching = self.0.subscribe();
        loop {
            if let SenderState::Failed(why) = &*watching.borrow_and_update() {
                return why.clone();
            }
            if watching.changed().await.is_err() {
                // Never happens: `self` keeps the sender alive.
                std::future::pending::<()>().await;
            }
        }
    }
}
