//! What `/health/live` and `/health/ready` answer.

use serde::{Deserialize, Serialize};

use super::Problem;

/// The process is up and serving requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Liveness {
    /// Always `ok`.
    pub status: String,
    /// The server's version.
    pub version: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReadyStatus {
    Ready,
    /// Serving, without its cache: Redis is down, so every answer comes from the database.
    Degraded,
    NotReady,
}

/// Every dependency the server needs answered: it can take traffic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Readiness {
    pub status: ReadyStatus,
    pub version: String,
    pub checks: ReadinessChecks,
}

/// A `503` from `/health/ready`: a problem document that also carries the checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotReady {
    #[serde(flatten)]
    pub problem: Problem,
    pub checks: ReadinessChecks,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadinessChecks {
    /// The database (SQLite or PostgreSQL).
    pub database: Check,
    /// Redis; `disabled` when `REDIS_URL` is not set and the in-process cache is used.
    pub redis: Check,
    /// This process's sender; `disabled` when it runs none (`NO_WORKER`), `down` when it stopped
    /// by itself.
    #[serde(default = "Check::disabled")]
    pub sender: Check,
}

impl ReadinessChecks {
    /// Ready with everything up; degraded (still serving) without Redis, which only speeds
    /// answers up; not ready without the database, or with a sender that stopped.
    pub fn status(&self) -> ReadyStatus {
        if self.database.status == CheckStatus::Down || self.sender.status == CheckStatus::Down {
            ReadyStatus::NotReady
        } else if self.redis.status == CheckStatus::Down {
            ReadyStatus::Degraded
        } else {
            ReadyStatus::Ready
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Check {
    pub status: CheckStatus,
    /// How long the check took, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    /// Which backend answered (`sqlite`, `postgres`), when that helps an operator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend: Option<String>,
    /// Why the check failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Check {
    /// A dependency that is not configured.
    pub fn disabled() -> Self {
        Self {
            status: CheckStatus::Disabled,
            latency_ms: None,
            backend: None,
            error: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Up,
    Down,
    /// Not configured, so not needed.
    Disabled,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::ProblemKind;

    fn check(status: CheckStatus) -> Check {
        Check {
            status,
            latency_ms: None,
            backend: None,
            error: None,
        }
    }

    #[test]
    fn a_disabled_dependency_does_not_make_the_server_unready() {
        let checks = ReadinessChecks {
            database: check(CheckStatus::Up),
            redis: check(CheckStatus::Disabled),
            sender: check(CheckStatus::Disabled),
        };
        assert_eq!(checks.status(), ReadyStatus::Ready);
    }

    #[test]
    fn redis_down_leaves_the_server_serving_but_degraded() {
        let checks = ReadinessChecks {
            database: check(CheckStatus::Up),
            redis: check(CheckStatus::Down),
            sender: check(CheckStatus::Up),
        };
        assert_eq!(checks.status(), ReadyStatus::Degraded);
    }

    #[test]
    fn the_database_down_makes_the_server_unready() {
        let checks = ReadinessChecks {
            database: check(CheckStatus::Down),
            redis: check(CheckStatus::Up),
            sender: check(CheckStatus::Up),
        };
        assert_eq!(checks.status(), ReadyStatus::NotReady);
    }

    #[test]
    fn a_sender_that_stopped_by_itself_makes_the_process_unready() {
        let checks = ReadinessChecks {
            database: check(CheckStatus::Up),
            redis: check(CheckStatus::Up),
            sender: check(CheckStatus::Down),
        };
        assert_eq!(checks.status(), ReadyStatus::NotReady);
    }

    #[test]
    fn not_ready_is_a_problem_document_with_the_checks_beside_it() {
        let body = NotReady {
            problem: Problem::new(ProblemKind::Unavailable, "redis: connection refused"),
            checks: ReadinessChecks {
                database: check(CheckStatus::Up),
                redis: check(CheckStatus::Down),
                sender: check(CheckStatus::Up),
            },
        };
        let json = serde_json::to_value(&body).expect("serializes");
        assert_eq!(json["status"], 503);
        assert_eq!(json["type"], "urn:mailroom:problem:unavailable");
        assert_eq!(json["checks"]["redis"]["status"], "down");
        let back: NotReady = serde_json::from_value(json).expect("parses back");
        assert_eq!(back, body);
    }
}
