//! Structured logs through `tracing`.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::FmtSpan;

use crate::cli::LogFormat;

/// Installs the global subscriber; the level comes from RUST_LOG (default `info`).
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // Closing the request span logs one line per request: method, route, status, request id, time.
    // Standard error, so command output on standard output (`mailroom openapi`) stays clean.
    let builder = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter)
        .with_span_events(FmtSpan::CLOSE);
    // A second init (tests start several apps in one process) keeps the first subscriber.
    let _ = match format {
        LogFormat::Pretty => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}
