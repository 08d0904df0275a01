//! Redis, when `REDIS_URL` is set: the cache shared by every Mailroom process.

use std::time::Duration;

use redis::AsyncConnectionConfig;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::sync::OnceCell;

use super::fetched::{Fetched, StoreError};

#[derive(Clone)]
pub struct Redis {
    client: redis::Client,
    /// Opened at first use, then reconnected by the manager whenever Redis comes back.
    manager: std::sync::Arc<OnceCell<ConnectionManager>>,
    timeout: Duration,
}

impl Redis {
    /// Checks the URL only; connections are opened when needed, so a Redis that is down at start-up
    /// makes the server unready rather than unable to start.
    pub fn open(url: &str, timeout: Duration) -> Result<Self, redis::RedisError> {
        Ok(Self {
            client: redis::Client::open(url)?,
            manager: Default::default(),
            timeout,
        })
    }

    /// Round-trips a PING within `timeout`.
    pub async fn ping(&self, timeout: Duration) -> Result<(), String> {
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(timeout))
            .set_response_timeout(Some(timeout));
        let mut conn = self
            .client
            .get_multiplexed_async_connection_with_config(&config)
            .await
            .map_err(|e| e.to_string())?;
        let reply: String = redis::cmd("PING")
            .query_async(&mut conn)
            .await
            .map_err(|e| e.to_string())?;
        if reply == "PONG" {
            Ok(())
        } else {
            Err(format!("unexpected reply to PING: {reply}"))
        }
    }

    async fn connection(&self) -> Result<ConnectionManager, StoreError> {
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout))
            .set_number_of_retries(0);
        let manager = self
            .manager
            .get_or_try_init(|| async {
                tokio::time::timeout(
                    self.timeout,
                    ConnectionManager::new_with_config(self.client.clone(), config),
                )
                .await
                .map_err(|_| StoreError::Timeout)?
                .map_err(StoreError::from)
            })
            .await?;
        Ok(manager.clone())
    }

    /// The entry and the versions, in one round trip.
    pub async fn fetch(&self, entry: &str, versions: &[String]) -> Result<Fetched, StoreError> {
        let mut conn = self.connection().await?;
        let mut keys = Vec::with_capacity(versions.len() + 1);
        keys.push(entry);
        keys.extend(versions.iter().map(String::as_str));
        let mut values: Vec<Option<Vec<u8>>> = self
            .within(redis::cmd("MGET").arg(&keys).query_async(&mut conn))
            .await?;
        let entry = if values.is_empty() {
            None
        } else {
            values.remove(0)
        };
        let versions = values
            .into_iter()
            .map(|v| {
                v.and_then(|bytes| String::from_utf8(bytes).ok())
                    .and_then(|text| text.parse().ok())
                    .unwrap_or(0)
            })
            .collect();
        Ok(Fetched { entry, versions })
    }

    pub async fn put(&self, entry: &str, value: Vec<u8>, ttl: Duration) -> Result<(), StoreError> {
        let mut conn = self.connection().await?;
        let millis = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        self.within(
            redis::cmd("SET")
                .arg(entry)
                .arg(value)
                .arg("PX")
                .arg(millis)
                .query_async::<()>(&mut conn),
        )
        .await
    }

    pub async fn bump(&self, versions: &[String]) -> Result<(), StoreError> {
        let mut conn = self.connection().await?;
        let mut pipe = redis::pipe();
        for key in versions {
            pipe.cmd("INCR").arg(key).ignore();
        }
        self.within(pipe.query_async::<()>(&mut conn)).await
    }

    /// Runs a Lua script as one atomic step: by its digest, sending its text only when Redis
    /// does not know it yet.
    pub async fn script<T: redis::FromRedisValue>(
        &self,
        script: &redis::Script,
        keys: &[String],
        args: &[u64],
    ) -> Result<T, StoreError> {
        let mut conn = self.connection().await?;
        let mut invocation = script.prepare_invoke();
        for key in keys {
            invocation.key(key);
        }
        for arg in args {
            invocation.arg(*arg);
        }
        self.within(invocation.invoke_async(&mut conn)).await
    }

    async fn within<T>(
        &self,
        op: impl std::future::Future<Output = redis::RedisResult<T>>,
    ) -> Result<T, StoreError> {
        tokio::time::timeout(self.timeout, op)
            .await
            .map_err(|_| StoreError::Timeout)?
            .map_err(StoreError::from)
    }
}
