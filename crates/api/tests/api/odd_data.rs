//! Values that cannot go into a mail header never reach one, and a delivery the worker cannot
//! build or send in any way it foresaw is recorded as failed: a run never waits on it forever.

use diesel::prelude::*;
use mailroom_api::db::schema::deliveries;
use serde_json::{Value, json};

use crate::fixtures::{client, import_csv, open_mailing, read, send};
use crate::helpers::{spawn_app, spawn_sending_app};

#[tokio::test]
async fn a_name_with_line_breaks_is_kept_on_one_line_from_the_api_and_the_csv_import() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let created = app
        .post_as(
            "/api/v1/clients",
            &ann.access,
            &json!({"email": "bob@example.net", "full_name": "Bob\r\nStone"}),
        )
        .await;
    assert_eq!(created.status().as_u16(), 201);
    let created: Value = created.json().await.expect("JSON");
    assert_eq!(created["full_name"], "Bob Stone");

    let csv = "email,full_name,comment\nnl1@example.net,\"Line one\nLine two\",\"a\nnote\"\n";
    import_csv(&app, &ann, csv.to_owned()).await;
    let page: Value = read(&app, &ann, "/api/v1/clients?q=nl1").await;
    assert_eq!(page["items"][0]["full_name"], "Line one Line two");
    assert_eq!(
        page["items"][0]["comment"], "a\nnote",
        "a comment keeps its lines"
    );

    let escape = app
        .post_as(
            "/api/v1/clients",
            &ann.access,
            &json!({"email": "cy@example.net", "full_name": "Cy\u{1b}[2J"}),
        )
        .await;
    let body = crate::helpers::problem(escape, 422).await;
    assert_eq!(body["errors"][0]["field"], "full_name");

    let message = app
        .post_as(
            "/api/v1/messages",
            &ann.access,
            &json!({"subject": "Big\nnews", "body": "Hello"}),
        )
        .await;
    assert_eq!(message.status().as_u16(), 201);
    let message: Value = message.json().await.expect("JSON");
    assert_eq!(message["subject"], "Big news");
}

#[tokio::test]
async fn a_delivery_whose_mail_cannot_be_built_is_recorded_as_failed_and_the_run_finishes() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let odd = client(&app, &ann, "nl1@example.net", "Someone").await;
    let fine = client(&app, &ann, "fay@example.net", "Fay").await;
    let id = open_mailing(&app, &ann, &[odd, fine]).await;
    let queued = send(&app, &ann, id).await;
    // Stored before names were kept to one line: a value no header can carry.
    let mut conn = app.pool.get().expect("a connection");
    diesel::update(deliveries::table.filter(deliveries::client_id.eq(odd)))
        .set(deliveries::full_name.eq("Line one\nLine two"))
        .execute(&mut *conn)
        .expect("the odd name is stored");

    app.drain().await;

    let run = read(
        &app,
        &ann,
        &format!("/api/v1/mailings/{id}/runs/{}", queued["id"]),
    )
    .await;
    assert_eq!(
        (
            run["sent"].as_u64(),
            run["failed"].as_u64(),
            run["pending"].as_u64()
        ),
        (Some(1), Some(1), Some(0)),
        "{run}"
    );
    assert!(run["finished_at"].is_string(), "the run is over: {run}");
    let attempts = read(
        &app,
        &ann,
        &format!("/api/v1/mailings/{id}/attempts?status=failure"),
    )
    .await;
    assert_eq!(attempts["total"], 1);
    assert_eq!(attempts["items"][0]["client_email"], "nl1@example.net");
    let reply = attempts["items"][0]["server_response"]
        .as_str()
        .unwrap_or_default();
    assert!(
        reply.starts_with("not sent:"),
        "the reason is kept: {reply}"
    );
    assert_eq!(app.mail().wait_for("fay@example.net", 1).await.len(), 1);

    // The mailing is not stuck: it sends again.
    let again = send(&app, &ann, id).await;
    assert_eq!(again["total"], 2);
}

#[tokio::test]
async fn a_client_saved_under_wider_address_rules_can_still_be_renamed_but_not_given_such_an_address()
 {
    use mailroom_api::db::schema::clients;
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let id = client(&app, &ann, "old@example.net", "Old").await;
    // An address earlier versions took and this one refuses: `_` in a domain label.
    let mut conn = app.pool.get().expect("connection");
    diesel::update(clients::table.find(id))
        .set(clients::email.eq("old@mail_1.example.net"))
        .execute(&mut *conn)
        .expect("updated");
    drop(conn);

    let renamed = app
        .send_as(
            reqwest::Method::PATCH,
            &format!("/api/v1/clients/{id}"),
            &ann.access,
            Some(&json!({"full_name": "Olga", "tags": ["kept"]})),
        )
        .await;
    assert_eq!(renamed.status().as_u16(), 200);
    let renamed: Value = renamed.json().await.expect("JSON");
    assert_eq!(renamed["email"], "old@mail_1.example.net");
    assert_eq!(renamed["full_name"], "Olga");

    let readdressed = app
        .send_as(
            reqwest::Method::PATCH,
            &format!("/api/v1/clients/{id}"),
            &ann.access,
            Some(&json!({"email": "new@mail_1.example.net"})),
        )
        .await;
    let body = crate::helpers::problem(readdressed, 422).await;
    assert_eq!(body["errors"][0]["field"], "email");
    let page: Value = read(&app, &ann, "/api/v1/clients?q=old").await;
    assert_eq!(page["items"][0]["email"], "old@mail_1.example.net");
}
