//! Webhook endpoints: made with a secret shown once, read, changed, rotated and deleted by their
//! owner only; addresses that lead into a private network refused (unless allowed).

use reqwest::Method;
use serde_json::{Value, json};

use crate::accounts::Session;
use crate::fixtures::read;
use crate::helpers::{TestApp, problem, spawn_app_with};

/// Receivers in these tests live on loopback: private addresses are allowed unless a test says.
async fn app(allow_private: bool) -> TestApp {
    spawn_app_with(|c| c.webhooks.webhook_allow_private = allow_private).await
}

async fn create(app: &TestApp, who: &Session, body: &Value) -> reqwest::Response {
    app.post_as("/api/v1/webhooks", &who.access, body).await
}

async fn patch(app: &TestApp, who: &Session, path: &str, body: &Value) -> reqwest::Response {
    app.send_as(Method::PATCH, path, &who.access, Some(body))
        .await
}

async fn count(app: &TestApp, who: &Session) -> u64 {
    read(app, who, "/api/v1/webhooks").await["total"]
        .as_u64()
        .expect("a total")
}

fn hook() -> Value {
    json!({
        "url": "http://127.0.0.1:9/hooks/mailroom",
        "events": ["run.completed", "attempt.failed", "run.completed"],
        "description": "CRM"
    })
}

#[tokio::test]
async fn an_endpoint_is_made_with_a_secret_shown_once_and_read_back_without_it() {
    let app = app(true).await;
    let ann = app.user("ann@example.org").await;
    let created = create(&app, &ann, &hook()).await;
    assert_eq!(created.status().as_u16(), 201);
    let location = created.headers()["location"]
        .to_str()
        .expect("text")
        .to_owned();
    let created: Value = created.json().await.expect("JSON");
    let secret = created["secret"].as_str().expect("a secret");
    let key = secret.strip_prefix("whsec_").expect("the whsec_ prefix");
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(key)
        .expect("base64");
    assert!((24..=64).contains(&bytes.len()), "{} bytes", bytes.len());
    assert_eq!(
        created["events"],
        json!(["attempt.failed", "run.completed"])
    );
    assert_eq!(created["url"], "http://127.0.0.1:9/hooks/mailroom");
    assert_eq!(created["enabled"], true);
    assert_eq!(location, format!("/api/v1/webhooks/{}", created["id"]));

    let one = read(&app, &ann, &location).await;
    assert!(one.get("secret").is_none(), "never shown again: {one}");
    assert_eq!(one["description"], "CRM");
    let list = read(&app, &ann, "/api/v1/webhooks").await;
    assert_eq!(list["total"], 1);
    assert!(list["items"][0].get("secret").is_none());
}

#[tokio::test]
async fn an_endpoint_is_changed_disabled_rotated_and_deleted() {
    let app = app(true).await;
    let ann = app.user("ann@example.org").await;
    let created: Value = create(&app, &ann, &hook())
        .await
        .json()
        .await
        .expect("JSON");
    let path = format!("/api/v1/webhooks/{}", created["id"]);

    let changed = patch(
        &app,
        &ann,
        &path,
        &json!({"events": ["client.unsubscribed"], "enabled": false}),
    )
    .await;
    assert_eq!(changed.status().as_u16(), 200);
    let changed: Value = changed.json().await.expect("JSON");
    assert_eq!(changed["events"], json!(["client.unsubscribed"]));
    assert_eq!(changed["enabled"], false);
    assert_eq!(changed["url"], created["url"], "what was not sent stays");

    let rotated = app
        .post_as(&format!("{path}/rotate-secret"), &ann.access, &json!({}))
        .await;
    assert_eq!(rotated.status().as_u16(), 200);
    let rotated: Value = rotated.json().await.expect("JSON");
    assert_ne!(rotated["secret"], created["secret"]);
    assert!(
        rotated["secret"]
            .as_str()
            .is_some_and(|s| s.starts_with("whsec_"))
    );
    let until = rotated["previous_secret_expires_at"]
        .as_str()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .expect("the old secret's end");
    let hours =
        (until.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_minutes() as f64 / 60.0;
    assert!((23.9..=24.1).contains(&hours), "{hours} hours");

    let deleted = app.send_as(Method::DELETE, &path, &ann.access, None).await;
    assert_eq!(deleted.status().as_u16(), 204);
    let gone = app.get_as(&path, &ann.access).await;
    problem(gone, 404).await;
}

#[tokio::test]
async fn bad_addresses_and_event_types_are_refused_by_field_and_nothing_is_made() {
    let app = app(true).await;
    let ann = app.user("ann@example.org").await;
    let refused = |body: Value| {
        let app = &app;
        let ann = &ann;
        async move { problem(create(app, ann, &body).await, 422).await }
    };
    let unknown =
        refused(json!({"url": "http://127.0.0.1:9/", "events": ["run.completed", "run.exploded"]}))
            .await;
    let message = unknown["errors"][0]["message"].as_str().unwrap_or_default();
    assert_eq!(unknown["errors"][0]["field"], "events");
    assert!(message.contains("run.exploded"), "{message}");
    assert!(
        !message.contains("unknown event type(s): run.completed"),
        "{message}"
    );
    let none = refused(json!({"url": "http://127.0.0.1:9/", "events": []})).await;
    assert_eq!(none["errors"][0]["field"], "events");
    for url in [
        "ftp://127.0.0.1/",
        "not a url",
        "http://user:secret@127.0.0.1/",
        "http://127.0.0.1/#part",
    ] {
        let body = refused(json!({"url": url, "events": ["run.completed"]})).await;
        assert_eq!(body["errors"][0]["field"], "url", "{url}: {body}");
    }
    let long = refused(json!({
        "url": "http://127.0.0.1:9/",
        "events": ["run.completed"],
        "description": "x".repeat(201)
    }))
    .await;
    assert_eq!(long["errors"][0]["field"], "description");
    let nul = refused(json!({
        "url": "http://127.0.0.1:9/",
        "events": ["run.completed"],
        "description": "a\u{0}b"
    }))
    .await;
    assert_eq!(nul["errors"][0]["field"], "description");
    assert_eq!(count(&app, &ann).await, 0);
}

#[tokio::test]
async fn an_address_that_leads_into_a_private_network_is_refused_without_the_setting() {
    let app = app(false).await;
    let ann = app.user("ann@example.org").await;
    for url in [
        "http://127.0.0.1:9/hook",
        // A name is looked up: localhost is loopback too.
        "http://localhost:9/hook",
        "http://[::1]:9/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.5/hook",
    ] {
        let body = problem(
            create(
                &app,
                &ann,
                &json!({"url": url, "events": ["run.completed"]}),
            )
            .await,
            422,
        )
        .await;
        assert_eq!(body["errors"][0]["field"], "url", "{url}");
        let message = body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains("private network"), "{url}: {message}");
    }
    // A public address is fine (an address, not a name: this machine has no DNS).
    let public = create(
        &app,
        &ann,
        &json!({"url": "https://93.184.216.34/hook", "events": ["run.completed"]}),
    )
    .await;
    assert_eq!(public.status().as_u16(), 201);
    // A change of address is checked the same way.
    let created: Value = public.json().await.expect("JSON");
    let moved = patch(
        &app,
        &ann,
        &format!("/api/v1/webhooks/{}", created["id"]),
        &json!({"url": "http://127.0.0.1/"}),
    )
    .await;
    problem(moved, 422).await;
    let unchanged = read(&app, &ann, &format!("/api/v1/webhooks/{}", created["id"])).await;
    assert_eq!(unchanged["url"], "https://93.184.216.34/hook");
}

#[tokio::test]
async fn another_users_endpoint_is_not_found_and_managers_read_it_but_change_nothing() {
    let app = app(true).await;
    let ann = app.user("ann@example.org").await;
    let bob = app.user("bob@example.org").await;
    let created: Value = create(&app, &ann, &hook())
        .await
        .json()
        .await
        .expect("JSON");
    let path = format!("/api/v1/webhooks/{}", created["id"]);

    let seen = app.get_as(&path, &bob.access).await;
    let body = problem(seen, 404).await;
    assert!(
        !body.to_string().contains("127.0.0.1"),
        "nothing leaked: {body}"
    );
    for (method, suffix, payload) in [
        (Method::PATCH, "", Some(json!({"enabled": false}))),
        (Method::POST, "/rotate-secret", Some(json!({}))),
        (Method::DELETE, "", None),
    ] {
        let answer = app
            .send_as(
                method,
                &format!("{path}{suffix}"),
                &bob.access,
                payload.as_ref(),
            )
            .await;
        problem(answer, 404).await;
    }
    assert_eq!(count(&app, &bob).await, 0);

    let manager = app.manager("mia@example.org").await;
    let all = read(&app, &manager, "/api/v1/webhooks").await;
    assert_eq!(all["total"], 1);
    let read_one = read(&app, &manager, &path).await;
    assert_eq!(read_one["owner_id"], ann.id);
    let changed = patch(&app, &manager, &path, &json!({"enabled": false})).await;
    problem(changed, 403).await;
    let still = read(&app, &ann, &path).await;
    assert_eq!(still["enabled"], true);
}
