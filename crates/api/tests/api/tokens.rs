use serde_json::{Value, json};

use crate::helpers::{problem, spawn_app_with_smtp};

#[tokio::test]
async fn an_api_token_is_shown_once_and_works_like_a_session_until_revoked() {
    let app = spawn_app_with_smtp().await;
    let session = app.confirmed_user("ann@example.org").await;

    let created = app
        .post_as(
            "/api/v1/me/tokens",
            &session.access,
            &json!({"name": "CRM sync"}),
        )
        .await;
    assert_eq!(created.status().as_u16(), 201);
    let created: Value = created.json().await.expect("JSON");
    let token = created["token"]
        .as_str()
        .expect("the secret, once")
        .to_owned();
    assert!(token.starts_with("mr_"));
    assert_eq!(created["name"], "CRM sync");
    assert!(token.starts_with(created["prefix"].as_str().expect("prefix")));

    let me: Value = app
        .get_as("/api/v1/me", &token)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(me["email"], "ann@example.org");

    let listed: Value = app
        .get_as("/api/v1/me/tokens", &session.access)
        .await
        .json()
        .await
        .expect("JSON");
    let listed = listed.as_array().expect("a list");
    assert_eq!(listed.len(), 1);
    assert!(
        listed[0].get("token").is_none(),
        "the secret is never listed"
    );
    assert!(listed[0]["last_used_at"].is_string(), "use is recorded");

    let id = created["id"].as_i64().expect("id");
    let revoked = app
        .client
        .delete(app.url(&format!("/api/v1/me/tokens/{id}")))
        .bearer_auth(&session.access)
        .send()
        .await
        .expect("sent");
    assert_eq!(revoked.status().as_u16(), 204);
    problem(app.get_as("/api/v1/me", &token).await, 401).await;
}

#[tokio::test]
async fn someone_elses_token_cannot_be_revoked_or_seen() {
    let app = spawn_app_with_smtp().await;
    let ann = app.confirmed_user("ann@example.org").await;
    let bob = app.confirmed_user("bob@example.org").await;
    let created: Value = app
        .post_as("/api/v1/me/tokens", &ann.access, &json!({"name": "ann's"}))
        .await
        .json()
        .await
        .expect("JSON");
    let id = created["id"].as_i64().expect("id");

    let attempt = app
        .client
        .delete(app.url(&format!("/api/v1/me/tokens/{id}")))
        .bearer_auth(&bob.access)
        .send()
        .await
        .expect("sent");
    let body = problem(attempt, 404).await;
    assert_eq!(body["detail"], format!("no API token {id}"));
    let bobs: Value = app
        .get_as("/api/v1/me/tokens", &bob.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(bobs, json!([]));
    let still: Value = app
        .get_as("/api/v1/me/tokens", &ann.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        still.as_array().map(Vec::len),
        Some(1),
        "ann's token is untouched"
    );
}

#[tokio::test]
async fn a_token_needs_a_name_and_a_future_expiry_and_stops_when_it_expires() {
    let app = spawn_app_with_smtp().await;
    let session = app.confirmed_user("ann@example.org").await;

    let invalid = app
        .post_as(
            "/api/v1/me/tokens",
            &session.access,
            &json!({"name": "", "expires_at": "2001-01-01T00:00:00Z"}),
        )
        .await;
    let body = problem(invalid, 422).await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["name", "expires_at"]);
    let listed: Value = app
        .get_as("/api/v1/me/tokens", &session.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(listed, json!([]), "nothing was created");

    let soon = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339();
    let created: Value = app
        .post_as(
            "/api/v1/me/tokens",
            &session.access,
            &json!({"name": "short-lived", "expires_at": soon}),
        )
        .await
        .json()
        .await
        .expect("JSON");
    let token = created["token"].as_str().expect("token");
    assert_eq!(app.get_as("/api/v1/me", token).await.status().as_u16(), 200);
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let body = problem(app.get_as("/api/v1/me", token).await, 401).await;
    assert_eq!(body["detail"], "the API token has expired");
}
