//! What the stores answer, shared by both (`local.rs`, `redis.rs`) and by `store.rs` above them.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("Redis did not answer in time")]
    Timeout,
    #[error("Redis: {0}")]
    Redis(#[from] redis::RedisError),
}

/// An entry (if any) and the current value of each version counter asked for (0 when unset).
#[derive(Debug, Default)]
pub struct Fetched {
    pub entry: Option<Vec<u8>>,
    pub versions: Vec<u64>,
}
