//! Redis, when `REDIS_URL` is set: the cache shared by every Mailroom process.

use std::time::Duration;

use redis::AsyncConnectionConfig;

#[derive(Clone)]
pub struct Redis {
    client: redis::Client,
}

impl Redis {
    /// Checks the URL only; connections are opened when needed, so a Redis that is down at start-up
    /// makes the server unready rather than unable to start.
    pub fn open(url: &str) -> Result<Self, redis::RedisError> {
        Ok(Self {
            client: redis::Client::open(url)?,
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
}
