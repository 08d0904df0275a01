//! `/health/live` and `/health/ready`, for load balancers, orchestrators and the web app's status.

use std::time::{Duration, Instant};

use actix_web::http::header::{self, CacheControl, CacheDirective};
use actix_web::{HttpResponse, get, web};
use diesel::RunQueryDsl;
use mailroom_domain::wire::{
    Check, CheckStatus, Liveness, NotReady, PROBLEM_CONTENT_TYPE, Problem, ProblemKind, Readiness,
    ReadinessChecks, ReadyStatus,
};

use crate::cache::Redis;
use crate::db::DbPool;
use crate::sending::{SenderHealth, SenderState};

/// How long a dependency may take to answer before the server counts as not ready.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The process is up.
#[utoipa::path(
    tag = "health",
    responses((status = OK, description = "The process is serving requests", body = Liveness))
)]
#[get("/health/live")]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(CacheControl(vec![CacheDirective::NoStore]))
        .json(Liveness {
            status: "ok".into(),
            version: VERSION.into(),
        })
}

/// The database answers: the server can take traffic. Redis, when configured, is checked too; the
/// server still serves without it (from the database) and says `degraded`. A sender running in
/// this process that stopped by itself makes the process not ready: it must be restarted.
#[utoipa::path(
    tag = "health",
    responses(
        (status = OK, description = "The database answered (`degraded`: Redis did not)", body = Readiness),
        (status = SERVICE_UNAVAILABLE, description = "The database is down, or this process's sender stopped",
         body = NotReady, content_type = "application/problem+json"),
    )
)]
#[get("/health/ready")]
pub async fn ready(
    pool: web::Data<DbPool>,
    redis: web::Data<Option<Redis>>,
    sender: web::Data<SenderHealth>,
) -> HttpResponse {
    let (database, redis) =
        tokio::join!(check_database(pool.get_ref().clone()), check_redis(&redis));
    let checks = ReadinessChecks {
        database,
        redis,
        sender: check_sender(&sender),
    };
    let no_store = CacheControl(vec![CacheDirective::NoStore]);
    let status = checks.status();
    if status != ReadyStatus::NotReady {
        return HttpResponse::Ok().insert_header(no_store).json(Readiness {
            status,
            version: VERSION.into(),
            checks,
        });
    }
    let detail = [
        ("database", &checks.database),
        ("redis", &checks.redis),
        ("sender", &checks.sender),
    ]
    .iter()
    .filter_map(|(name, check)| check.error.as_ref().map(|e| format!("{name}: {e}")))
    .collect::<Vec<_>>()
    .join("; ");
    let body = NotReady {
        problem: Problem::new(ProblemKind::Unavailable, detail),
        checks,
    };
    HttpResponse::ServiceUnavailable()
        .insert_header(no_store)
        .insert_header((header::CONTENT_TYPE, PROBLEM_CONTENT_TYPE))
        .body(serde_json::to_string(&body).unwrap_or_default())
}

async fn check_database(pool: DbPool) -> Check {
    let started = Instant::now();
    let outcome = actix_web::rt::task::spawn_blocking(move || {
        let mut conn = pool.get_timeout(CHECK_TIMEOUT).map_err(|e| e.to_string())?;
        let backend = conn.backend();
        diesel::sql_query("SELECT 1")
            .execute(&mut *conn)
            .map_err(|e| e.to_string())?;
        Ok::<_, String>(backend)
    })
    .await
    .unwrap_or_else(|e| Err(format!("the check did not finish: {e}")));
    match outcome {
        Ok(backend) => up(started, Some(backend.as_str())),
        Err(error) => down(started, error),
    }
}

async fn check_redis(redis: &Option<Redis>) -> Check {
    let Some(redis) = redis else {
        return Check {
            status: CheckStatus::Disabled,
            latency_ms: None,
            backend: None,
            error: None,
        };
    };
    let started = Instant::now();
    match redis.ping(CHECK_TIMEOUT).await {
        Ok(()) => up(started, None),
        Err(error) => down(started, error),
    }
}

fn check_sender(sender: &SenderHealth) -> Check {
    let (status, error) = match sender.state() {
        SenderState::Off => (CheckStatus::Disabled, None),
        SenderState::Sending => (CheckStatus::Up, None),
        SenderState::Failed(why) => (CheckStatus::Down, Some(why)),
    };
    Check {
        status,
        latency_ms: None,
        backend: None,
        error,
    }
}

fn up(started: Instant, backend: Option<&str>) -> Check {
    Check {
        status: CheckStatus::Up,
        latency_ms: Some(elapsed_ms(started)),
        backend: backend.map(str::to_owned),
        error: None,
    }
}

fn down(started: Instant, error: String) -> Check {
    Check {
        status: CheckStatus::Down,
        latency_ms: Some(elapsed_ms(started)),
        backend: None,
        error: Some(error),
    }
}

fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// The server's counters (the cache's hits, misses and failures), in Prometheus' text format.
pub async fn metrics() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(crate::cache::metrics::render())
}
