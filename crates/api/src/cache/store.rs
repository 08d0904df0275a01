//! Where entries and version counters live: Redis, or this process's memory. Both answer the same
//! three operations, so the cache's rules are written once.

use std::time::Duration;

use super::fetched::{Fetched, StoreError};
use super::local::Local;
use super::redis::Redis;

#[derive(Clone)]
pub enum Store {
    Redis(Redis),
    Local(Local),
}

impl Store {
    pub fn name(&self) -> &'static str {
        match self {
            Store::Redis(_) => "redis",
            Store::Local(_) => "memory",
        }
    }

    pub async fn fetch(&self, entry: &str, versions: &[String]) -> Result<Fetched, StoreError> {
        match self {
            Store::Redis(redis) => redis.fetch(entry, versions).await,
            Store::Local(local) => Ok(local.fetch(entry, versions)),
        }
    }

    pub async fn put(&self, entry: &str, value: Vec<u8>, ttl: Duration) -> Result<(), StoreError> {
        match self {
            Store::Redis(redis) => redis.put(entry, value, ttl).await,
            Store::Local(local) => {
                local.put(entry, value);
                Ok(())
            }
        }
    }

    pub async fn bump(&self, versions: &[String]) -> Result<(), StoreError> {
        match self {
            Store::Redis(redis) => redis.bump(versions).await,
            Store::Local(local) => {
                local.bump(versions);
                Ok(())
            }
        }
    }
}
