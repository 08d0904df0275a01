use chrono::{Duration, Utc};
use diesel::prelude::*;
use mailroom_api::db::rows::NewAttempt;
use mailroom_api::db::schema::attempts;
use serde_json::{Value, json};

use crate::accounts::Session;
use crate::fixtures::audience_ids;
use crate::helpers::{TestApp, problem, spawn_app, spawn_sending_app};

/// One message and two clients of `who`, ready for a mailing.
async fn material(app: &TestApp, who: &Session) -> (i64, Vec<i64>) {
    let message: Value = app
        .post_as(
            "/api/v1/messages",
            &who.access,
            &json!({"subject": "Hi {{full_name}}", "body": "News"}),
        )
        .await
        .json()
        .await
        .expect("JSON");
    let mut clients = Vec::new();
    for email in ["one@example.org", "two@example.org"] {
        let client: Value = app
            .post_as("/api/v1/clients", &who.access, &json!({"email": email}))
            .await
            .json()
            .await
            .expect("JSON");
        clients.push(client["id"].as_i64().expect("id"));
    }
    (message["id"].as_i64().expect("id"), clients)
}

fn hours(h: i64) -> String {
    (Utc::now() + Duration::hours(h)).to_rfc3339()
}

async fn create(app: &TestApp, who: &Session, body: Value) -> Value {
    let response = app.post_as("/api/v1/mailings", &who.access, &body).await;
    assert_eq!(response.status().as_u16(), 201);
    response.json().await.expect("JSON")
}

async fn patch(app: &TestApp, who: &Session, id: &Value, body: Value) -> reqwest::Response {
    app.client
        .patch(app.url(&format!("/api/v1/mailings/{id}")))
        .bearer_auth(&who.access)
        .json(&body)
        .send()
        .await
        .expect("sent")
}

fn record_attempt(app: &TestApp, mailing_id: i64, email: &str, status: &str, minutes_ago: i64) {
    let mut conn = app.pool.get().expect("connection");
    diesel::insert_into(attempts::table)
        .values(NewAttempt {
            mailing_id,
            client_email: email,
            attempted_at: (Utc::now() - Duration::minutes(minutes_ago)).naive_utc(),
            status: status.parse().expect("an attempt status"),
            run_id: None,
            server_response: if status == "success" {
                "250 2.0.0 Ok: queued"
            } else {
                "550 5.1.1 User unknown"
            },
        })
        .execute(&mut *conn)
        .expect("attempt recorded");
}

#[tokio::test]
async fn a_mailing_is_created_read_changed_and_deleted() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let (message, clients) = material(&app, &ann).await;

    let response = app
        .post_as("/api/v1/mailings", &ann.access, &json!({"message_id": message, "client_ids": [clients[1], clients[0], clients[1]], "starts_at": hours(1), "ends_at": hours(48)}))
        .await;
    assert_eq!(response.status().as_u16(), 201);
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("Location")
        .to_owned();
    let mailing: Value = response.json().await.expect("JSON");
    assert_eq!(mailing["audience"], json!({"kind": "clients"}));
    assert!(
        mailing.get("client_ids").is_none(),
        "a read lists no clients"
    );
    assert_eq!(
        audience_ids(&app, &ann, &mailing["id"]).await,
        [clients[0], clients[1]]
    );
    assert_eq!(mailing["client_count"], 2);
    assert_eq!(
        mailing["name"], "Hi {{full_name}}",
        "named after the subject"
    );
    assert_eq!(mailing["message_subject"], "Hi {{full_name}}");
    assert_eq!(
        (mailing["status"].as_str(), mailing["disabled"].as_bool()),
        (Some("created"), Some(false))
    );
    assert_eq!(
        (
            mailing["success_count"].as_u64(),
            mailing["failure_count"].as_u64()
        ),
        (Some(0), Some(0))
    );
    assert_eq!(
        app.get_as(&location, &ann.access)
            .await
            .json::<Value>()
            .await
            .expect("JSON"),
        mailing
    );

    let changed: Value = patch(
        &app,
        &ann,
        &mailing["id"],
        json!({"client_ids": [clients[0]]}),
    )
    .await
    .json()
    .await
    .expect("JSON");
    assert_eq!(changed["client_count"], 1);
    assert_eq!(audience_ids(&app, &ann, &mailing["id"]).await, [clients[0]]);
    let listed: Value = app
        .get_as("/api/v1/mailings?q=HI", &ann.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["items"][0]["client_count"], 1);

    // The list names the message by its subject as it is now, also once that list is cached.
    let renamed = app
        .client
        .patch(app.url(&format!("/api/v1/messages/{message}")))
        .bearer_auth(&ann.access)
        .json(&json!({"subject": "Winter news"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(renamed.status().as_u16(), 200);
    let listed: Value = app
        .get_as("/api/v1/mailings", &ann.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(listed["items"][0]["message_subject"], "Winter news");

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
async fn invalid_times_no_clients_and_someone_elses_ids_are_refused_and_nothing_is_written() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let eve = app.user("eve@example.org").await;
    let (message, clients) = material(&app, &ann).await;
    let (eves_message, eves_clients) = material(&app, &eve).await;

    let bad = app
        .post_as("/api/v1/mailings", &ann.access, &json!({"message_id": message, "client_ids": [], "starts_at": hours(5), "ends_at": hours(1)}))
        .await;
    let body = problem(bad, 422).await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["ends_at", "client_ids"]);

    let foreign = app
        .post_as("/api/v1/mailings", &ann.access, &json!({"message_id": eves_message, "client_ids": [clients[0], eves_clients[1], 999999], "starts_at": hours(1), "ends_at": hours(2)}))
        .await;
    let body = problem(foreign, 422).await;
    assert_eq!(
        body["errors"][0]["message"],
        format!("message {eves_message} is not one of your messages")
    );
    assert_eq!(
        body["errors"][1]["message"],
        format!("not your clients: {}, 999999", eves_clients[1])
    );

    let missing_field = app
        .post_as(
            "/api/v1/mailings",
            &ann.access,
            &json!({"message_id": message}),
        )
        .await;
    problem(missing_field, 422).await;
    let listed: Value = app
        .get_as("/api/v1/mailings", &ann.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(listed["total"], 0);
}

#[tokio::test]
async fn the_status_is_right_at_every_moment_of_a_mailings_life() {
    // The app's clock moves by hand: the end time passes without waiting for it.
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let (message, clients) = material(&app, &ann).await;
    let mailing = create(&app, &ann, json!({"message_id": message, "client_ids": clients, "starts_at": hours(-2), "ends_at": hours(1)})).await;
    let id = mailing["id"].as_i64().expect("id");
    let path = format!("/api/v1/mailings/{id}");
    assert_eq!(mailing["status"], "created");

    record_attempt(&app, id, "one@example.org", "success", 5);
    record_attempt(&app, id, "two@example.org", "failure", 4);
    let running: Value = app
        .get_as(&path, &ann.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(running["status"], "running");
    assert_eq!(
        (
            running["success_count"].as_u64(),
            running["failure_count"].as_u64()
        ),
        (Some(1), Some(1))
    );

    // An end moved into the past is refused: the mailing would show completed at once.
    let past = patch(&app, &ann, &mailing["id"], json!({"ends_at": hours(-1)})).await;
    let body = problem(past, 422).await;
    assert_eq!(body["errors"][0]["field"], "ends_at");
    let unchanged: Value = app
        .get_as(&path, &ann.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(unchanged["ends_at"], mailing["ends_at"]);

    // Its end time passes: completed at once, with no background job involved.
    app.clock.advance(Duration::hours(2));
    let completed: Value = app
        .get_as(&path, &ann.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(completed["status"], "completed");

    // Completed: only a later end time (ahead of now) is accepted.
    let refused = patch(
        &app,
        &ann,
        &mailing["id"],
        json!({"client_ids": [clients[0]]}),
    )
    .await;
    let body = problem(refused, 409).await;
    assert!(
        body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("the mailing is completed")),
        "{body}"
    );
    let still_past = patch(&app, &ann, &mailing["id"], json!({ "ends_at": hours(1) })).await;
    problem(still_past, 422).await;
    let extended: Value = patch(&app, &ann, &mailing["id"], json!({"ends_at": hours(10)}))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(extended["status"], "running");
}

#[tokio::test]
async fn other_peoples_mailings_are_hidden_from_users_and_read_only_for_managers() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let eve = app.user("eve@example.org").await;
    let mia = app.manager("mia@example.org").await;
    let (message, clients) = material(&app, &ann).await;
    let mailing = create(&app, &ann, json!({"message_id": message, "client_ids": clients, "starts_at": hours(1), "ends_at": hours(2)})).await;
    let path = format!("/api/v1/mailings/{}", mailing["id"]);

    for response in [
        app.get_as(&path, &eve.access).await,
        app.get_as(&format!("{path}/attempts"), &eve.access).await,
        patch(&app, &eve, &mailing["id"], json!({"ends_at": hours(3)})).await,
        app.client.put(app.url(&path)).bearer_auth(&eve.access).json(&json!({"message_id": message, "client_ids": clients, "starts_at": hours(1), "ends_at": hours(2)})).send().await.expect("sent"),
        app.client.delete(app.url(&path)).bearer_auth(&eve.access).send().await.expect("sent"),
    ] {
        problem(response, 404).await;
    }
    let eves: Value = app
        .get_as("/api/v1/mailings", &eve.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(eves["total"], 0);

    assert_eq!(app.get_as(&path, &mia.access).await.status().as_u16(), 200);
    let all: Value = app
        .get_as("/api/v1/mailings", &mia.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(all["items"][0]["owner_id"], ann.id);
    problem(
        patch(&app, &mia, &mailing["id"], json!({"ends_at": hours(3)})).await,
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
        mailing
    );
}

#[tokio::test]
async fn only_managers_disable_and_enable_mailings_of_anyone() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let mia = app.manager("mia@example.org").await;
    let (message, clients) = material(&app, &ann).await;
    let mailing = create(&app, &ann, json!({"message_id": message, "client_ids": clients, "starts_at": hours(1), "ends_at": hours(2)})).await;
    let path = format!("/api/v1/mailings/{}", mailing["id"]);

    let body = problem(
        app.post_as(&format!("{path}/disable"), &ann.access, &json!({}))
            .await,
        403,
    )
    .await;
    assert_eq!(body["detail"], "only managers may do this");
    let disabled: Value = app
        .post_as(&format!("{path}/disable"), &mia.access, &json!({}))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(disabled["disabled"], true);
    let seen: Value = app
        .get_as(&path, &ann.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(seen["disabled"], true);
    let enabled: Value = app
        .post_as(&format!("{path}/enable"), &mia.access, &json!({}))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(enabled["disabled"], false);
    problem(
        app.post_as("/api/v1/mailings/999999/disable", &mia.access, &json!({}))
            .await,
        404,
    )
    .await;
}

#[tokio::test]
async fn a_message_in_use_cannot_be_deleted_and_a_deleted_client_keeps_its_attempts() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let (message, clients) = material(&app, &ann).await;
    let mailing = create(&app, &ann, json!({"message_id": message, "client_ids": clients, "starts_at": hours(-1), "ends_at": hours(2)})).await;
    let id = mailing["id"].as_i64().expect("id");

    let refused = app
        .client
        .delete(app.url(&format!("/api/v1/messages/{message}")))
        .bearer_auth(&ann.access)
        .send()
        .await
        .expect("sent");
    let body = problem(refused, 409).await;
    assert!(
        body["detail"]
            .as_str()
            .is_some_and(|d| d.contains(&format!("mailing(s) {id}"))),
        "{body}"
    );

    record_attempt(&app, id, "one@example.org", "success", 1);
    let deleted = app
        .client
        .delete(app.url(&format!("/api/v1/clients/{}", clients[0])))
        .bearer_auth(&ann.access)
        .send()
        .await
        .expect("sent");
    assert_eq!(deleted.status().as_u16(), 204);
    let after: Value = app
        .get_as(&format!("/api/v1/mailings/{id}"), &ann.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(audience_ids(&app, &ann, &after["id"]).await, [clients[1]]);
    assert_eq!(after["success_count"], 1);
    let attempts: Value = app
        .get_as(&format!("/api/v1/mailings/{id}/attempts"), &ann.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(attempts["items"][0]["client_email"], "one@example.org");
}

#[tokio::test]
async fn attempts_are_listed_newest_first_and_filtered_by_outcome_and_time() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let eve = app.user("eve@example.org").await;
    let (message, clients) = material(&app, &ann).await;
    let mailing = create(&app, &ann, json!({"message_id": message, "client_ids": clients, "starts_at": hours(-3), "ends_at": hours(2)})).await;
    let id = mailing["id"].as_i64().expect("id");
    record_attempt(&app, id, "one@example.org", "failure", 120);
    record_attempt(&app, id, "one@example.org", "success", 60);
    record_attempt(&app, id, "two@example.org", "success", 1);

    let all: Value = app
        .get_as(&format!("/api/v1/mailings/{id}/attempts"), &ann.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(all["total"], 3);
    assert_eq!(all["items"][0]["client_email"], "two@example.org");
    assert_eq!(all["items"][2]["server_response"], "550 5.1.1 User unknown");
    let failures: Value = app
        .get_as(
            &format!("/api/v1/attempts?status=failure&mailing_id={id}"),
            &ann.access,
        )
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        (
            failures["total"].as_u64(),
            failures["items"][0]["status"].as_str()
        ),
        (Some(1), Some("failure"))
    );
    let from = urlencode(&(Utc::now() - Duration::minutes(90)).to_rfc3339());
    let recent: Value = app
        .get_as(&format!("/api/v1/attempts?from={from}"), &ann.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(recent["total"], 2);

    let eves: Value = app
        .get_as("/api/v1/attempts", &eve.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(eves["total"], 0);
    let bad = problem(
        app.get_as("/api/v1/attempts?status=bounced", &ann.access)
            .await,
        422,
    )
    .await;
    assert_eq!(bad["errors"][0]["field"], "status");
}

fn urlencode(text: &str) -> String {
    text.replace('+', "%2B").replace(':', "%3A")
}

#[tokio::test]
async fn a_mailing_made_to_end_in_the_past_is_refused_naming_ends_at_and_nothing_is_written() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let (message, clients) = material(&app, &ann).await;

    let past = app
        .post_as("/api/v1/mailings", &ann.access, &json!({"message_id": message, "client_ids": clients, "starts_at": hours(-3), "ends_at": hours(-1)}))
        .await;
    let body = problem(past, 422).await;
    assert_eq!(body["errors"][0]["field"], "ends_at");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("past")),
        "{body}"
    );
    let listed: Value = app
        .get_as("/api/v1/mailings", &ann.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(listed["total"], 0);
}

#[tokio::test]
async fn page_zero_is_refused_under_page_and_an_oversized_page_under_per_page() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    for list in ["/api/v1/mailings", "/api/v1/clients", "/api/v1/attempts"] {
        let body = problem(
            app.get_as(&format!("{list}?page=0"), &ann.access).await,
            422,
        )
        .await;
        assert_eq!(body["errors"][0]["field"], "page", "{list}: {body}");
        let body = problem(
            app.get_as(&format!("{list}?per_page=201"), &ann.access)
                .await,
            422,
        )
        .await;
        assert_eq!(body["errors"][0]["field"], "per_page", "{list}: {body}");
    }
}
