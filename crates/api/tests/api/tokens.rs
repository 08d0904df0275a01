use serde_json::{Value, json};

use crate::accounts::PASSWORD;
use crate::helpers::{problem, spawn_app_with_smtp, spawn_sending_app};

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
    // The app's clock moves by hand: the token expires without waiting for it.
    let app = spawn_sending_app().await;
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

    let soon = (app.clock_now() + chrono::Duration::seconds(2))
        .and_utc()
        .to_rfc3339();
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
    app.clock.advance(chrono::Duration::seconds(3));
    let body = problem(app.get_as("/api/v1/me", token).await, 401).await;
    assert_eq!(body["detail"], "the API token has expired");
}

#[tokio::test]
async fn an_api_token_acts_on_the_data_but_cannot_mint_tokens_or_change_the_account() {
    let app = spawn_app_with_smtp().await;
    let ann = app.confirmed_user("ann@example.org").await;
    let created: Value = app
        .post_as("/api/v1/me/tokens", &ann.access, &json!({"name": "CRM"}))
        .await
        .json()
        .await
        .expect("JSON");
    let token = created["token"].as_str().expect("token").to_owned();
    let id = created["id"].as_i64().expect("id");
    let request = |method: reqwest::Method, path: &str, body: Option<Value>| {
        let mut request = app
            .client
            .request(method, app.url(path))
            .bearer_auth(&token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send()
    };

    // What the token is for still works.
    let client = app
        .post_as(
            "/api/v1/clients",
            &token,
            &json!({"email": "bob@example.net"}),
        )
        .await;
    assert_eq!(client.status().as_u16(), 201);
    assert_eq!(
        app.get_as("/api/v1/me", &token).await.status().as_u16(),
        200
    );

    use reqwest::Method;
    let refused = [
        (
            Method::POST,
            "/api/v1/me/tokens".to_owned(),
            Some(json!({"name": "more"})),
        ),
        (Method::GET, "/api/v1/me/tokens".to_owned(), None),
        (Method::DELETE, format!("/api/v1/me/tokens/{id}"), None),
        (
            Method::PATCH,
            "/api/v1/me".to_owned(),
            Some(json!({"full_name": "Mallory"})),
        ),
        (
            Method::POST,
            "/api/v1/me/password".to_owned(),
            Some(json!({"current_password": PASSWORD, "new_password": "a new long passphrase"})),
        ),
    ];
    for (method, path, body) in refused {
        let answer = request(method.clone(), &path, body).await.expect("sent");
        let body = problem(answer, 403).await;
        assert_eq!(
            body["type"], "urn:mailroom:problem:session-required",
            "{method} {path}: {body}"
        );
        assert!(
            body["detail"]
                .as_str()
                .is_some_and(|d| d.contains("signed-in session")),
            "{body}"
        );
    }

    // Nothing changed: one token, still working; the name as it was.
    let tokens: Value = app
        .get_as("/api/v1/me/tokens", &ann.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(tokens.as_array().map(Vec::len), Some(1));
    let me: Value = app
        .get_as("/api/v1/me", &token)
        .await
        .json()
        .await
        .expect("JSON");
    assert_ne!(me["full_name"], "Mallory");
    // The password is unchanged: it still signs in.
    assert_eq!(
        app.login("ann@example.org", PASSWORD)
            .await
            .status()
            .as_u16(),
        200
    );
}
