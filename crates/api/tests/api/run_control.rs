//! Pausing, resuming and cancelling a run, and duplicating a mailing.

use chrono::Duration;
use serde_json::{Value, json};

use crate::accounts::Session;
use crate::fixtures::{audience_ids, mailing, numbered_clients, open_mailing, read, send};
use crate::helpers::{TestApp, problem, spawn_app, spawn_sending_app, spawn_sending_app_with};

/// The mail sent to clients so far (the numbered clients are at example.net).
async fn client_mail(app: &TestApp) -> usize {
    app.mail_so_far()
        .await
        .iter()
        .filter(|m| m.to.ends_with("@example.net"))
        .count()
}

fn figures(run: &Value) -> [u64; 4] {
    ["total", "sent", "cancelled", "pending"].map(|k| run[k].as_u64().unwrap_or(999))
}

async fn control(
    app: &TestApp,
    who: &Session,
    mailing: i64,
    run: &Value,
    action: &str,
) -> reqwest::Response {
    app.post_as(
        &format!("/api/v1/mailings/{mailing}/runs/{}/{action}", run["id"]),
        &who.access,
        &json!({}),
    )
    .await
}

async fn controlled(
    app: &TestApp,
    who: &Session,
    mailing: i64,
    run: &Value,
    action: &str,
) -> Value {
    let response = control(app, who, mailing, run, action).await;
    assert_eq!(response.status().as_u16(), 200, "{action}");
    response.json().await.expect("JSON")
}

/// How many deliveries are held (out of the due index).
fn held(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    use mailroom_api::db::schema::deliveries;
    let mut conn = app.pool.get().expect("connection");
    deliveries::table
        .filter(deliveries::held)
        .count()
        .get_result(&mut *conn)
        .expect("counted")
}

#[tokio::test]
async fn a_paused_run_sends_nothing_until_it_is_resumed() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let clients = numbered_clients(&app, &ann, 3).await;
    let id = open_mailing(&app, &ann, &clients).await;
    let run = send(&app, &ann, id).await;

    let paused = controlled(&app, &ann, id, &run, "pause").await;
    assert!(paused["paused_at"].is_string(), "{paused}");
    assert_eq!(held(&app), 3, "out of the claims' index while paused");
    problem(control(&app, &ann, id, &run, "pause").await, 409).await;
    app.drain().await;
    assert!(
        app.mail_so_far().await.is_empty(),
        "nothing sent while paused"
    );
    let still = read(
        &app,
        &ann,
        &format!("/api/v1/mailings/{id}/runs/{}", run["id"]),
    )
    .await;
    assert_eq!(figures(&still), [3, 0, 0, 3]);
    assert!(still["finished_at"].is_null());

    let resumed = controlled(&app, &ann, id, &run, "resume").await;
    assert!(resumed["paused_at"].is_null());
    assert_eq!(held(&app), 0);
    problem(control(&app, &ann, id, &run, "resume").await, 409).await;
    app.drain().await;
    assert_eq!(client_mail(&app).await, 3);
    let done = read(
        &app,
        &ann,
        &format!("/api/v1/mailings/{id}/runs/{}", run["id"]),
    )
    .await;
    assert_eq!(figures(&done), [3, 3, 0, 0]);
    assert!(done["finished_at"].is_string());
    problem(control(&app, &ann, id, &run, "cancel").await, 409).await;
}

#[tokio::test]
async fn a_cancelled_run_records_its_queued_deliveries_as_cancelled_and_ends() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let clients = numbered_clients(&app, &ann, 4).await;
    let id = open_mailing(&app, &ann, &clients).await;
    let run = send(&app, &ann, id).await;
    controlled(&app, &ann, id, &run, "pause").await;

    let cancelled = controlled(&app, &ann, id, &run, "cancel").await;
    assert_eq!(figures(&cancelled), [4, 0, 4, 0]);
    assert!(cancelled["finished_at"].is_string());
    assert!(cancelled["paused_at"].is_null());
    app.drain().await;
    assert_eq!(client_mail(&app).await, 0);
    // The mailing may be sent again.
    let again = send(&app, &ann, id).await;
    assert_eq!(again["total"], 4);
}

/// Claims `n` of the queued deliveries as another worker would, holding their lease; the lease
/// and the ids.
fn claim_elsewhere(app: &TestApp, n: i64) -> (i64, Vec<i64>) {
    use mailroom_api::db::queries::deliveries::{self, Claim};
    let mut conn = app.pool.get().expect("connection");
    let now = app.clock_now();
    let claim = Claim {
        now,
        lease_until: now + Duration::minutes(5),
        lease: 4242,
        limit: n,
        only_run: None,
    };
    let claimed = deliveries::claim(&mut conn, claim).expect("claimed");
    (claim.lease, claimed.iter().map(|d| d.id).collect())
}

fn give_back(app: &TestApp, lease: i64, ids: &[i64]) {
    let mut conn = app.pool.get().expect("connection");
    mailroom_api::db::queries::deliveries::release(&mut conn, lease, ids).expect("released");
}

#[tokio::test]
async fn what_another_worker_held_when_its_run_was_cancelled_is_cancelled_once_given_back() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let clients = numbered_clients(&app, &ann, 3).await;
    let id = open_mailing(&app, &ann, &clients).await;
    let run = send(&app, &ann, id).await;
    let (lease, held) = claim_elsewhere(&app, 1);

    let cancelled = controlled(&app, &ann, id, &run, "cancel").await;
    assert_eq!(
        figures(&cancelled),
        [3, 0, 2, 1],
        "the held one is still in flight"
    );
    assert!(cancelled["finished_at"].is_null());
    problem(control(&app, &ann, id, &run, "resume").await, 409).await;

    give_back(&app, lease, &held);
    app.drain().await;
    assert_eq!(
        client_mail(&app).await,
        0,
        "a cancelled run's delivery is never claimed"
    );
    app.tick().await;
    let over = read(
        &app,
        &ann,
        &format!("/api/v1/mailings/{id}/runs/{}", run["id"]),
    )
    .await;
    assert_eq!(figures(&over), [3, 0, 3, 0]);
    assert!(over["finished_at"].is_string());
}

#[tokio::test]
async fn a_run_paused_while_another_worker_holds_some_of_it_goes_on_whole_when_resumed() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let clients = numbered_clients(&app, &ann, 3).await;
    let id = open_mailing(&app, &ann, &clients).await;
    let run = send(&app, &ann, id).await;
    let (lease, held) = claim_elsewhere(&app, 2);
    controlled(&app, &ann, id, &run, "pause").await;
    give_back(&app, lease, &held);
    app.drain().await;
    assert_eq!(
        client_mail(&app).await,
        0,
        "nothing is claimed while paused"
    );
    controlled(&app, &ann, id, &run, "resume").await;
    app.drain().await;
    assert_eq!(client_mail(&app).await, 3);
}

#[tokio::test]
async fn only_the_owner_controls_a_run_and_only_one_of_that_mailing() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let eve = app.user("eve@example.org").await;
    let boss = app.manager("boss@example.org").await;
    let clients = numbered_clients(&app, &ann, 2).await;
    let id = open_mailing(&app, &ann, &clients).await;
    let other = open_mailing(&app, &ann, &clients).await;
    let run = send(&app, &ann, id).await;

    problem(control(&app, &eve, id, &run, "pause").await, 404).await;
    problem(control(&app, &boss, id, &run, "cancel").await, 403).await;
    let wrong_mailing = problem(control(&app, &ann, other, &run, "pause").await, 404).await;
    assert_eq!(
        wrong_mailing["detail"],
        format!("no run {} of mailing {other}", run["id"])
    );
    let unknown = json!({"id": 999999});
    problem(control(&app, &ann, id, &unknown, "resume").await, 404).await;
    let untouched = read(
        &app,
        &ann,
        &format!("/api/v1/mailings/{id}/runs/{}", run["id"]),
    )
    .await;
    assert!(untouched["paused_at"].is_null());
    assert_eq!(untouched["cancelled"], 0);
}

#[tokio::test]
async fn a_duplicate_has_the_same_message_audience_and_schedule_dated_from_now() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let eve = app.user("eve@example.org").await;
    let boss = app.manager("boss@example.org").await;
    let clients = numbered_clients(&app, &ann, 3).await;
    let now = app.clock_now();
    let id = mailing(
        &app,
        &ann,
        &clients[..2],
        (now - Duration::days(2), now + Duration::days(5)),
        "daily",
    )
    .await;
    let original = read(&app, &ann, &format!("/api/v1/mailings/{id}")).await;

    let response = app
        .post_as(
            &format!("/api/v1/mailings/{id}/duplicate"),
            &ann.access,
            &json!({}),
        )
        .await;
    assert_eq!(response.status().as_u16(), 201);
    let copy: Value = response.json().await.expect("JSON");
    assert_ne!(copy["id"], original["id"]);
    assert_eq!(
        copy["name"],
        format!("{} (copy)", original["name"].as_str().expect("name"))
    );
    for field in ["message_id", "schedule", "audience", "client_count"] {
        assert_eq!(copy[field], original[field], "{field}");
    }
    let mut chosen = clients[..2].to_vec();
    chosen.sort_unstable();
    assert_eq!(audience_ids(&app, &ann, &copy["id"]).await, chosen);
    assert_eq!(copy["status"], "created");
    assert!(copy["last_run"].is_null());
    let starts = chrono::DateTime::parse_from_rfc3339(copy["starts_at"].as_str().expect("time"))
        .expect("RFC 3339")
        .naive_utc();
    assert!(
        starts > now,
        "a start that has passed moves ahead: {starts}"
    );
    let length = |m: &Value| {
        let parse = |f: &str| {
            chrono::DateTime::parse_from_rfc3339(m[f].as_str().expect("time")).expect("RFC 3339")
        };
        parse("ends_at") - parse("starts_at")
    };
    assert_eq!(length(&copy), length(&original), "as long as the original");

    problem(
        app.post_as(
            &format!("/api/v1/mailings/{id}/duplicate"),
            &eve.access,
            &json!({}),
        )
        .await,
        404,
    )
    .await;
    problem(
        app.post_as(
            &format!("/api/v1/mailings/{id}/duplicate"),
            &boss.access,
            &json!({}),
        )
        .await,
        403,
    )
    .await;
    assert_eq!(read(&app, &ann, "/api/v1/mailings").await["total"], 2);
}

#[tokio::test]
async fn a_run_paused_while_its_mail_waits_for_the_throttle_sends_no_more_of_it() {
    // Two a second: all ten are claimed and waiting for the throttle within the first second.
    let app = spawn_sending_app_with(|c| c.sending.send_rate = 2).await;
    let ann = app.user("ann@example.org").await;
    let clients = numbered_clients(&app, &ann, 10).await;
    let id = open_mailing(&app, &ann, &clients).await;
    let run = send(&app, &ann, id).await;
    let worker = app.worker();
    let draining = tokio::spawn(async move {
        worker
            .drain(None, tokio_util::sync::CancellationToken::new())
            .await
    });
    while client_mail(&app).await == 0 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    controlled(&app, &ann, id, &run, "pause").await;
    draining
        .await
        .expect("the worker ran")
        .expect("the worker drained");
    let sent = client_mail(&app).await;
    assert!(
        sent <= 5,
        "the worker noticed the pause within a second or so, not after all ten: {sent}"
    );
    let paused = read(
        &app,
        &ann,
        &format!("/api/v1/mailings/{id}/runs/{}", run["id"]),
    )
    .await;
    assert_eq!(paused["sent"], sent as u64);
    assert_eq!(paused["pending"], 10 - sent as u64, "the rest wait, unsent");

    controlled(&app, &ann, id, &run, "resume").await;
    app.drain().await;
    let mut to: Vec<String> = app
        .mail_so_far()
        .await
        .into_iter()
        .map(|m| m.to)
        .filter(|to| to.ends_with("@example.net"))
        .collect();
    to.sort();
    let mailed = to.len();
    to.dedup();
    assert_eq!(
        (mailed, to.len()),
        (10, 10),
        "each client once, after the resume"
    );
}
