//! The cache's counters, served in Prometheus' text format at `/metrics`.

use std::sync::LazyLock;

use prometheus::{IntCounterVec, Opts, Registry, TextEncoder};

static REGISTRY: LazyLock<Registry> = LazyLock::new(Registry::new);

static LOOKUPS: LazyLock<IntCounterVec> = LazyLock::new(|| {
    register(IntCounterVec::new(
        Opts::new(
            "mailroom_cache_lookups_total",
            "Cached answers looked up, by store and result (hit, miss, bypassed: the store failed \
             or is resting)",
        ),
        &["store", "result"],
    ))
});

static ERRORS: LazyLock<IntCounterVec> = LazyLock::new(|| {
    register(IntCounterVec::new(
        Opts::new(
            "mailroom_cache_errors_total",
            "Cache operations that failed or timed out, by store and operation; the database \
             answered instead",
        ),
        &["store", "operation"],
    ))
});

fn register(counter: prometheus::Result<IntCounterVec>) -> IntCounterVec {
    let counter = counter.unwrap_or_else(|e| panic!("the cache counters are well-formed: {e}"));
    if let Err(error) = REGISTRY.register(Box::new(counter.clone())) {
        tracing::error!(%error, "cannot register a cache counter");
    }
    counter
}

pub fn lookup(store: &str, result: &str) {
    LOOKUPS.with_label_values(&[store, result]).inc();
}

pub fn error(store: &str, operation: &str) {
    ERRORS.with_label_values(&[store, operation]).inc();
}

/// Every counter, as Prometheus scrapes it.
pub fn render() -> String {
    LazyLock::force(&LOOKUPS);
    LazyLock::force(&ERRORS);
    TextEncoder::new()
        .encode_to_string(&REGISTRY.gather())
        .unwrap_or_else(|e| format!("# cannot encode the counters: {e}\n"))
}
