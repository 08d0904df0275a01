//! What many tests set up through the API: clients, a message and a mailing, a run.

use chrono::{Duration, NaiveDateTime};
use serde_json::{Value, json};

use crate::accounts::Session;
use crate::helpers::TestApp;

pub async fn client(app: &TestApp, who: &Session, email: &str, full_name: &str) -> i64 {
    let response = app
        .post_as(
            "/api/v1/clients",
            &who.access,
            &json!({"email": email, "full_name": full_name}),
        )
        .await;
    assert_eq!(response.status().as_u16(), 201);
    let body: Value = response.json().await.expect("JSON");
    body["id"].as_i64().expect("id")
}

/// Polls `check` every 50 ms until it gives a value, for at most `limit`; `what` names the wait
/// when it gives up.
pub async fn eventually<T>(
    what: &str,
    limit: std::time::Duration,
    mut check: impl AsyncFnMut() -> Option<T>,
) -> T {
    let deadline = std::time::Instant::now() + limit;
    loop {
        if let Some(done) = check().await {
            return done;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "gave up waiting: {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Imports `csv` into `who`'s clients through the API; the import must be accepted.
pub async fn import_csv(app: &TestApp, who: &Session, csv: String) {
    let imported = app
        .client
        .post(app.url("/api/v1/clients/import"))
        .bearer_auth(&who.access)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .expect("sent");
    assert_eq!(imported.status().as_u16(), 200);
}

/// `n` clients of `who` named `c0@example.net`… by one CSV import; their ids (`n` ≤ 200).
pub async fn numbered_clients(app: &TestApp, who: &Session, n: usize) -> Vec<i64> {
    let csv: String = std::iter::once("email,full_name\n".to_owned())
        .chain((0..n).map(|i| format!("c{i}@example.net,Client {i}\n")))
        .collect();
    import_csv(app, who, csv).await;
    let page = read(app, who, "/api/v1/clients?per_page=200").await;
    let ids: Vec<i64> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|c| c["id"].as_i64())
        .collect();
    assert_eq!(ids.len(), n);
    ids
}

pub fn at(t: NaiveDateTime) -> String {
    t.and_utc().to_rfc3339()
}

/// A mailing of a personalised message to `clients`, from `starts` to `ends`.
pub async fn mailing(
    app: &TestApp,
    who: &Session,
    clients: &[i64],
    times: (NaiveDateTime, NaiveDateTime),
    schedule: &str,
) -> i64 {
    let message: Value = app
        .post_as(
            "/api/v1/messages",
            &who.access,
            &json!({
                "subject": "News for {{full_name}}",
                "body": "Dear {{full_name}} <{{email}}>,\nour news.\nLeave: {{unsubscribe_url}}\n"
            }),
        )
        .await
        .json()
        .await
        .expect("JSON");
    let response = app
        .post_as(
            "/api/v1/mailings",
            &who.access,
            &json!({
                "message_id": message["id"], "client_ids": clients,
                "starts_at": at(times.0), "ends_at": at(times.1), "schedule": schedule
            }),
        )
        .await;
    assert_eq!(response.status().as_u16(), 201);
    let body: Value = response.json().await.expect("JSON");
    body["id"].as_i64().expect("id")
}

/// A new message of `who`'s, `message` as the API takes one; the message as answered.
pub async fn message_of(app: &TestApp, who: &Session, message: &Value) -> Value {
    let response = app.post_as("/api/v1/messages", &who.access, message).await;
    assert_eq!(response.status().as_u16(), 201);
    response.json().await.expect("JSON")
}

/// A message of `who`'s (as the API takes one) and a mailing of it to `clients`, starting
/// tomorrow so that no tick sends it by itself; the mailing's id.
pub async fn mailing_of(app: &TestApp, who: &Session, message: &Value, clients: &[i64]) -> i64 {
    let message = message_of(app, who, message).await;
    let now = app.clock_now();
    let response = app
        .post_as(
            "/api/v1/mailings",
            &who.access,
            &json!({
                "message_id": message["id"], "client_ids": clients,
                "starts_at": at(now + Duration::days(1)), "ends_at": at(now + Duration::days(2)),
            }),
        )
        .await;
    assert_eq!(response.status().as_u16(), 201);
    let body: Value = response.json().await.expect("JSON");
    body["id"].as_i64().expect("id")
}

/// A mailing that started an hour ago and ends in a day.
pub async fn open_mailing(app: &TestApp, who: &Session, clients: &[i64]) -> i64 {
    let now = app.clock_now();
    mailing(
        app,
        who,
        clients,
        (now - Duration::hours(1), now + Duration::days(1)),
        "once",
    )
    .await
}

pub async fn send(app: &TestApp, who: &Session, mailing: i64) -> Value {
    let response = app
        .post_as(
            &format!("/api/v1/mailings/{mailing}/send"),
            &who.access,
            &json!({}),
        )
        .await;
    assert_eq!(response.status().as_u16(), 202);
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("Location")
        .to_owned();
    let run: Value = response.json().await.expect("JSON");
    assert_eq!(
        location,
        format!("/api/v1/mailings/{mailing}/runs/{}", run["id"])
    );
    run
}

/// The JSON body of a GET as `who`.
pub async fn read(app: &TestApp, who: &Session, path: &str) -> Value {
    app.get_as(path, &who.access)
        .await
        .json()
        .await
        .expect("JSON")
}

impl TestApp {
    /// Now, as the app sees it.
    pub fn clock_now(&self) -> NaiveDateTime {
        self.app_clock.now()
    }
}

/// The ids of the clients a mailing's audience holds now, in id order (at most 200).
pub async fn audience_ids(app: &TestApp, who: &Session, mailing: &Value) -> Vec<i64> {
    let page = read(
        app,
        who,
        &format!("/api/v1/mailings/{mailing}/clients?per_page=200"),
    )
    .await;
    let mut ids: Vec<i64> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| c["id"].as_i64().expect("id"))
        .collect();
    ids.sort_unstable();
    ids
}
