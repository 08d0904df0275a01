use crate::helpers::{redis_url, spawn_app, spawn_app_with};

#[tokio::test]
async fn live_answers_ok_with_the_server_version() {
    let app = spawn_app().await;

    let response = app.get("/health/live").await;

    assert_eq!(response.status().as_u16(), 200);
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(body["status"], "ok");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn ready_reports_the_database_up_and_redis_disabled_when_no_redis_is_configured() {
    let app = spawn_app_with(|c| c.redis_url = None).await;

    let response = app.get("/health/ready").await;

    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response
            .headers()
            .get("cache-control")
            .map(|v| v.as_bytes()),
        Some(&b"no-store"[..])
    );
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(body["status"], "ready");
    assert_eq!(body["checks"]["database"]["status"], "up");
    assert_eq!(
        body["checks"]["database"]["backend"],
        crate::helpers::backend().as_str()
    );
    assert_eq!(body["checks"]["redis"]["status"], "disabled");
}

#[tokio::test]
async fn ready_stays_200_but_degraded_naming_redis_when_the_configured_redis_is_unreachable() {
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    let app = spawn_app_with(|c| c.redis_url = Some("redis://127.0.0.1:1".into())).await;

    let response = app.get("/health/ready").await;

    assert_eq!(
        response.status().as_u16(),
        200,
        "the database serves without the cache"
    );
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(body["status"], "degraded");
    assert_eq!(body["checks"]["database"]["status"], "up");
    assert_eq!(body["checks"]["redis"]["status"], "down");
    assert!(body["checks"]["redis"]["error"].is_string(), "{body}");
}

mod redis {
    use super::*;

    #[tokio::test]
    async fn ready_checks_a_reachable_redis_and_reports_it_up() {
        let app = spawn_app_with(|c| c.redis_url = Some(redis_url())).await;

        let response = app.get("/health/ready").await;

        assert_eq!(response.status().as_u16(), 200);
        let body: serde_json::Value = response.json().await.expect("JSON");
        assert_eq!(body["checks"]["redis"]["status"], "up");
        assert!(body["checks"]["redis"]["latency_ms"].is_u64());
    }
}
