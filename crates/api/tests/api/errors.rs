use crate::helpers::{problem, spawn_app};

#[tokio::test]
async fn an_unknown_api_route_is_a_404_problem_naming_the_request() {
    let app = spawn_app().await;

    let response = app.get("/api/v1/no-such-thing").await;

    let body = problem(response, 404).await;
    assert_eq!(body["type"], "urn:mailroom:problem:not-found");
    assert_eq!(body["detail"], "no route for GET /api/v1/no-such-thing");
}

#[tokio::test]
async fn a_post_with_a_json_body_to_an_unknown_api_route_is_a_404_problem() {
    let app = spawn_app().await;

    let response = app
        .client
        .post(app.url("/api/v1/clients-typo"))
        .json(&serde_json::json!({"email": "a@b.io"}))
        .send()
        .await
        .expect("sent");

    let body = problem(response, 404).await;
    assert_eq!(body["detail"], "no route for POST /api/v1/clients-typo");
}

#[tokio::test]
async fn an_unknown_path_under_health_is_a_404_problem_not_the_web_app() {
    let app = spawn_app().await;

    let response = app.get("/health/nope").await;

    problem(response, 404).await;
}

#[tokio::test]
async fn a_wrong_method_on_a_known_route_is_a_405_problem() {
    let app = spawn_app().await;

    let response = app
        .client
        .delete(app.url("/health/ready"))
        .send()
        .await
        .expect("sent");

    let body = problem(response, 405).await;
    assert_eq!(body["detail"], "DELETE is not allowed on /health/ready");
}

#[tokio::test]
async fn a_wrong_method_on_a_named_path_beside_an_id_path_is_a_405_not_a_404() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;

    for path in ["/api/v1/clients/export", "/api/v1/clients/bulk"] {
        let response = app
            .client
            .put(app.url(path))
            .bearer_auth(&ann.access)
            .json(&serde_json::json!({"email": "x@example.org"}))
            .send()
            .await
            .expect("sent");
        let allow = response.headers().get("allow").cloned();
        let body = problem(response, 405).await;
        assert_eq!(body["detail"], format!("PUT is not allowed on {path}"));
        assert!(allow.is_some(), "{path}: an Allow header");
    }
    let response = app
        .client
        .put(app.url("/api/v1/clients/abc"))
        .bearer_auth(&ann.access)
        .json(&serde_json::json!({"email": "x@example.org"}))
        .send()
        .await
        .expect("sent");
    problem(response, 404).await;
}

#[tokio::test]
async fn every_response_carries_its_own_request_id() {
    let app = spawn_app().await;

    let first = app.get("/health/live").await;
    let second = app.get("/api/v1/nope").await;

    let id = |r: &reqwest::Response| {
        r.headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .expect("an X-Request-Id header")
    };
    let (a, b) = (id(&first), id(&second));
    assert_eq!(a.len(), 36, "a UUID: {a}");
    assert_ne!(a, b);
}
