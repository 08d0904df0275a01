//! What a worker has done, for logs, the CLI and the benchmark.

use std::sync::Mutex;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use hdrhistogram::Histogram;

#[derive(Debug, Default)]
pub struct WorkerStats {
    pub sent: AtomicU64,
    pub failed: AtomicU64,
    pub retried: AtomicU64,
    pub cancelled: AtomicU64,
    /// Microseconds from the start of each SMTP transaction to the server's reply; a histogram
    /// keeps memory flat however long the worker runs.
    latencies: Mutex<Option<Histogram<u64>>>,
}

impl WorkerStats {
    pub(super) fn observe(&self, latency: Duration) {
        let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        let mut latencies = self
            .latencies
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let histogram = latencies.get_or_insert_with(|| {
            Histogram::new_with_bounds(1, 3_600_000_000, 3).expect("valid histogram bounds")
        });
        histogram.saturating_record(micros);
    }

    /// The latency at quantile `q` (0.5 for the median) of every try so far.
    pub fn latency(&self, q: f64) -> Option<Duration> {
        let latencies = self
            .latencies
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let histogram = latencies.as_ref().filter(|h| !h.is_empty())?;
        Some(Duration::from_micros(histogram.value_at_quantile(q)))
    }
}
