use serde_json::{Value, json};

use crate::helpers::{problem, spawn_app};

#[tokio::test]
async fn a_message_is_written_read_changed_and_deleted() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;

    let created = app
        .post_as("/api/v1/messages", &ann.access, &json!({"subject": "News for {{full_name}}", "body": "Hello {{ full_name }} <{{email}}>"}))
        .await;
    assert_eq!(created.status().as_u16(), 201);
    let location = created
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("Location")
        .to_owned();
    let message: Value = created.json().await.expect("JSON");
    assert_eq!(message["owner_id"], ann.id);
    assert_eq!(
        app.get_as(&location, &ann.access)
            .await
            .json::<Value>()
            .await
            .expect("JSON"),
        message
    );

    let patched: Value = app
        .client
        .patch(app.url(&location))
        .bearer_auth(&ann.access)
        .json(&json!({"subject": "Autumn news"}))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        (patched["subject"].as_str(), patched["body"].as_str()),
        (
            Some("Autumn news"),
            Some("Hello {{ full_name }} <{{email}}>")
        )
    );
    let replaced: Value = app
        .client
        .put(app.url(&location))
        .bearer_auth(&ann.access)
        .json(&json!({"subject": "S", "body": "B"}))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("JSON");
    assert_eq!(replaced["body"], "B");

    let list: Value = app
        .get_as("/api/v1/messages?q=s", &ann.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(list["total"], 1);
    let deleted = app
        .client
        .delete(app.url(&location))
        .bearer_auth(&ann.access)
        .send()
        .await
        .expect("sent");
    assert_eq!(deleted.status().as_u16(), 204);
    problem(app.get_as(&location, &ann.access).await, 404).await;
}

#[tokio::test]
async fn an_unknown_placeholder_is_refused_by_name_and_nothing_is_saved() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;

    let bad = app
        .post_as(
            "/api/v1/messages",
            &ann.access,
            &json!({"subject": "Hi {{first_name}}", "body": " "}),
        )
        .await;

    let body = problem(bad, 422).await;
    assert_eq!(body["errors"][0]["field"], "subject");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("{{first_name}}")),
        "{body}"
    );
    assert_eq!(body["errors"][1]["field"], "body");
    let list: Value = app
        .get_as("/api/v1/messages", &ann.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(list["total"], 0);

    let message: Value = app
        .post_as(
            "/api/v1/messages",
            &ann.access,
            &json!({"subject": "S", "body": "B"}),
        )
        .await
        .json()
        .await
        .expect("JSON");
    let path = format!("/api/v1/messages/{}", message["id"]);
    let bad_patch = app
        .client
        .patch(app.url(&path))
        .bearer_auth(&ann.access)
        .json(&json!({"body": "{{unclosed"}))
        .send()
        .await
        .expect("sent");
    problem(bad_patch, 422).await;
    assert_eq!(
        app.get_as(&path, &ann.access)
            .await
            .json::<Value>()
            .await
            .expect("JSON"),
        message
    );
}

#[tokio::test]
async fn other_peoples_messages_are_hidden_from_users_and_read_only_for_managers() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let eve = app.user("eve@example.org").await;
    let mia = app.manager("mia@example.org").await;
    let message: Value = app
        .post_as(
            "/api/v1/messages",
            &ann.access,
            &json!({"subject": "S", "body": "B"}),
        )
        .await
        .json()
        .await
        .expect("JSON");
    let path = format!("/api/v1/messages/{}", message["id"]);

    problem(app.get_as(&path, &eve.access).await, 404).await;
    problem(
        app.client
            .put(app.url(&path))
            .bearer_auth(&eve.access)
            .json(&json!({"subject": "x", "body": "y"}))
            .send()
            .await
            .expect("sent"),
        404,
    )
    .await;
    problem(
        app.client
            .delete(app.url(&path))
            .bearer_auth(&eve.access)
            .send()
            .await
            .expect("sent"),
        404,
    )
    .await;
    let eves: Value = app
        .get_as("/api/v1/messages", &eve.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(eves["total"], 0);

    assert_eq!(app.get_as(&path, &mia.access).await.status().as_u16(), 200);
    let all: Value = app
        .get_as(
            &format!("/api/v1/messages?owner_id={}", ann.id),
            &mia.access,
        )
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(all["total"], 1);
    problem(
        app.client
            .patch(app.url(&path))
            .bearer_auth(&mia.access)
            .json(&json!({"subject": "x"}))
            .send()
            .await
            .expect("sent"),
        403,
    )
    .await;
    problem(
        app.client
            .delete(app.url(&path))
            .bearer_auth(&mia.access)
            .send()
            .await
            .expect("sent"),
        403,
    )
    .await;
    assert_eq!(
        app.get_as(&path, &ann.access)
            .await
            .json::<Value>()
            .await
            .expect("JSON"),
        message
    );
}
