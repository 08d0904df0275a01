//! Webhook delivery, end to end: events written with their cause, sent by the background jobs to
//! a real receiver on loopback, signed so that the Standard Webhooks reference library verifies
//! them; retried with the same `webhook-id`, given up on, disabled by a 410 or a day of failures;
//! every try in the endpoint's log; one try of a delivery at a time, whatever runs the jobs.

use chrono::Duration;
use mailroom_api::jobs::BackgroundJob;
use mailroom_api::sending::unsubscribe::UnsubscribeKeys;
use mailroom_api::webhooks::deliver::DeliverWebhook;
use serde_json::{Value, json};

use crate::accounts::Session;
use crate::fixtures::{client, open_mailing, read, send};
use crate::helpers::{TestApp, problem, spawn_sending_app_with};
use crate::receiver::{Call, Receiver, verify};

/// A sending app whose endpoints may lead to loopback (where the receivers live).
async fn app() -> TestApp {
    spawn_sending_app_with(|c| c.webhooks.webhook_allow_private = true).await
}

/// An endpoint of `who`'s for `events` at `url`: its id and secret.
async fn endpoint(app: &TestApp, who: &Session, url: &str, events: &[&str]) -> (i64, String) {
    let created = app
        .post_as(
            "/api/v1/webhooks",
            &who.access,
            &json!({"url": url, "events": events}),
        )
        .await;
    assert_eq!(created.status().as_u16(), 201);
    let created: Value = created.json().await.expect("JSON");
    (
        created["id"].as_i64().expect("an id"),
        created["secret"].as_str().expect("a secret").to_owned(),
    )
}

/// Runs the jobs as the clock moves `seconds` on, until none is due.
async fn later(app: &TestApp, seconds: i64) {
    app.clock.advance(Duration::seconds(seconds));
    while app.run_jobs().await > 0 {}
}

fn now_secs(app: &TestApp) -> i64 {
    app.clock_now().and_utc().timestamp()
}

fn events(calls: &[Call]) -> Vec<String> {
    calls.iter().map(Call::event).collect()
}

async fn deliveries(app: &TestApp, who: &Session, id: i64) -> Value {
    read(app, who, &format!("/api/v1/webhooks/{id}/deliveries")).await
}

/// A new client of `who`'s at `email`, who then unsubscribes by their link: its id.
async fn unsubscribed(app: &TestApp, who: &Session, email: &str) -> i64 {
    let id = client(app, who, email, "U").await;
    let token = UnsubscribeKeys::new(&app.settings.jwt_secret).token(id);
    let left = app
        .client
        .post(app.url(&format!("/u/{token}")))
        .send()
        .await
        .expect("sent");
    assert_eq!(left.status().as_u16(), 200);
    id
}

async fn test_event(app: &TestApp, who: &Session, id: i64) -> reqwest::Response {
    app.post_as(
        &format!("/api/v1/webhooks/{id}/test"),
        &who.access,
        &json!({}),
    )
    .await
}

#[tokio::test]
async fn a_run_is_told_as_signed_events_that_the_reference_library_verifies() {
    let app = app().await;
    let receiver = Receiver::start().await;
    let ann = app.user("ann@example.org").await;
    let all = [
        "run.started",
        "run.completed",
        "attempt.succeeded",
        "attempt.failed",
        "bounce.received",
        "client.suppressed",
    ];
    let (_, secret) = endpoint(&app, &ann, &receiver.url("/hooks"), &all).await;
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(client(&app, &ann, &format!("c{i}@example.net"), "C").await);
    }
    let gone = client(&app, &ann, "reject-zed@example.net", "Zed").await;
    ids.push(gone);
    let mailing = open_mailing(&app, &ann, &ids).await;
    let run = send(&app, &ann, mailing).await;
    app.drain().await;
    // The attempts wait a moment for more to join their batch; the rest is sent at once.
    later(&app, 2).await;

    let calls = receiver.calls();
    let mut told = events(&calls);
    told.sort();
    assert_eq!(
        told,
        [
            "attempt.failed",
            "attempt.succeeded",
            "bounce.received",
            "client.suppressed",
            "run.completed",
            "run.started"
        ],
        "one call per event, the three accepted attempts in one"
    );
    assert!(
        verify(&calls, &secret, now_secs(&app))
            .iter()
            .all(|v| v == "ok"),
        "{:?}",
        verify(&calls, &secret, now_secs(&app))
    );
    for call in &calls {
        assert_eq!(call.path, "/hooks");
        assert_eq!(call.header("content-type"), "application/json");
        assert!(call.header("webhook-id").starts_with("msg_"));
        assert!(call.json()["timestamp"].is_string());
    }
    let by_type = |t: &str| {
        calls
            .iter()
            .find(|c| c.event() == t)
            .expect("the event")
            .json()
    };
    let succeeded = by_type("attempt.succeeded");
    let attempts = succeeded["data"]["attempts"].as_array().expect("attempts");
    assert_eq!(attempts.len(), 3);
    for attempt in attempts {
        assert_eq!(attempt["mailing_id"], mailing);
        assert_eq!(attempt["run_id"], run["id"]);
        assert_eq!(attempt["status"], "success");
        assert!(
            attempt["server_reply"]
                .as_str()
                .expect("a reply")
                .starts_with("250")
        );
        assert!(
            attempt["email"]
                .as_str()
                .expect("an address")
                .starts_with('c')
        );
        assert_eq!(attempt["will_retry"], false);
    }
    let failed = by_type("attempt.failed");
    assert_eq!(failed["data"]["attempts"][0]["client_id"], gone);
    assert!(
        failed["data"]["attempts"][0]["server_reply"]
            .as_str()
            .expect("a reply")
            .starts_with("550")
    );
    let bounce = by_type("bounce.received");
    assert_eq!(bounce["data"]["kind"], "hard_bounce");
    assert_eq!(bounce["data"]["source"], "smtp");
    assert_eq!(bounce["data"]["email"], "reject-zed@example.net");
    assert_eq!(
        by_type("client.suppressed")["data"]["email"],
        "reject-zed@example.net"
    );
    let completed = by_type("run.completed");
    assert_eq!(completed["data"]["run_id"], run["id"]);
    assert_eq!(completed["data"]["sent"], 3);
    assert_eq!(completed["data"]["failed"], 1);
    assert_eq!(by_type("run.started")["data"]["total"], 4);
}

#[tokio::test]
async fn an_endpoint_is_sent_only_its_owners_events_and_only_those_it_chose() {
    let app = app().await;
    let receiver = Receiver::start().await;
    let (ann, bob) = (
        app.user("ann@example.org").await,
        app.user("bob@example.org").await,
    );
    endpoint(&app, &ann, &receiver.url("/ann"), &["client.unsubscribed"]).await;
    let annes = client(&app, &ann, "cy@example.net", "Cy").await;
    let bobs = client(&app, &bob, "dee@example.net", "Dee").await;
    let mailing = open_mailing(&app, &ann, &[annes]).await;
    send(&app, &ann, mailing).await;
    app.drain().await;
    let keys = UnsubscribeKeys::new(&app.settings.jwt_secret);
    for id in [annes, bobs, annes] {
        let left = app
            .client
            .post(app.url(&format!("/u/{}", keys.token(id))))
            .send()
            .await
            .expect("sent");
        assert_eq!(left.status().as_u16(), 200);
    }
    later(&app, 2).await;
    let calls = receiver.calls();
    assert_eq!(
        events(&calls),
        ["client.unsubscribed"],
        "once: the second click changes nothing, Bob's client is not Ann's"
    );
    assert_eq!(calls[0].json()["data"]["client_id"], annes);
    assert_eq!(calls[0].json()["data"]["email"], "cy@example.net");
}

#[tokio::test]
async fn a_500_is_retried_with_the_same_webhook_id_and_each_try_is_in_the_log() {
    let app = app().await;
    let receiver = Receiver::start().await;
    receiver.answer(&[500, 429]);
    let ann = app.user("ann@example.org").await;
    let (id, secret) = endpoint(&app, &ann, &receiver.url("/"), &["run.started"]).await;

    let tested = test_event(&app, &ann, id).await;
    assert_eq!(tested.status().as_u16(), 200);
    let tested: Value = tested.json().await.expect("JSON");
    assert_eq!(tested["event"], "webhook.test");
    assert_eq!(tested["state"], "pending");
    assert_eq!(tested["last_status"], 500);
    assert!(tested["next_try_at"].is_string(), "{tested}");

    later(&app, 10).await;
    assert_eq!(receiver.calls().len(), 2);
    // The 429 asked for ten minutes, more than the schedule's five: not before.
    later(&app, 400).await;
    assert_eq!(receiver.calls().len(), 2);
    later(&app, 250).await;

    let calls = receiver.calls();
    assert_eq!(calls.len(), 3);
    let ids: Vec<&str> = calls.iter().map(|c| c.header("webhook-id")).collect();
    assert!(ids.iter().all(|i| *i == ids[0]), "{ids:?}");
    assert_eq!(calls[0].body, calls[2].body, "the same bytes each time");
    assert_ne!(
        calls[0].header("webhook-timestamp"),
        calls[2].header("webhook-timestamp"),
        "signed anew at each try"
    );
    assert_eq!(verify(&calls[2..], &secret, now_secs(&app)), ["ok"]);

    let log = deliveries(&app, &ann, id).await;
    assert_eq!(log["total"], 1);
    let delivery = &log["items"][0];
    assert_eq!(delivery["state"], "delivered");
    assert_eq!(delivery["tries"], 3);
    assert_eq!(delivery["next_try_at"], Value::Null);
    let statuses: Vec<&Value> = delivery["attempts"]
        .as_array()
        .expect("tries")
        .iter()
        .map(|t| &t["status_code"])
        .collect();
    assert_eq!(statuses, [&json!(500), &json!(429), &json!(204)]);
}

#[tokio::test]
async fn a_410_disables_the_endpoint_at_once_and_its_owner_is_mailed() {
    let app = app().await;
    let receiver = Receiver::start().await;
    receiver.answer(&[410]);
    let ann = app.user("ann@example.org").await;
    let (id, _) = endpoint(&app, &ann, &receiver.url("/"), &["run.started"]).await;
    let tested: Value = test_event(&app, &ann, id).await.json().await.expect("JSON");
    assert_eq!(tested["state"], "failed");
    let hook = read(&app, &ann, &format!("/api/v1/webhooks/{id}")).await;
    assert_eq!(hook["enabled"], false);
    assert!(
        hook["disabled_reason"]
            .as_str()
            .expect("a reason")
            .contains("410")
    );
    later(&app, 1).await;
    let mail = app
        .smtp
        .as_ref()
        .expect("the SMTP server")
        .nth("ann@example.org", 1)
        .await;
    assert!(mail.subject.contains("disabled"), "{}", mail.subject);
    assert!(mail.text.contains(&receiver.url("/")), "{}", mail.text);

    // Nothing more is sent to it, not even a test.
    let refused = test_event(&app, &ann, id).await;
    problem(refused, 409).await;
    assert_eq!(receiver.calls().len(), 1);
}

#[tokio::test]
async fn a_receiver_down_for_a_while_gets_every_event_once_it_is_back() {
    let app = app().await;
    let receiver = Receiver::start().await;
    let port = receiver.port;
    receiver.stop().await;
    let ann = app.user("ann@example.org").await;
    let url = format!("http://127.0.0.1:{port}/back");
    let (id, secret) = endpoint(&app, &ann, &url, &["client.unsubscribed"]).await;
    let mut clients = Vec::new();
    for i in 0..3 {
        clients.push(unsubscribed(&app, &ann, &format!("u{i}@example.net")).await);
    }
    later(&app, 1).await;
    later(&app, 6).await;
    let log = deliveries(&app, &ann, id).await;
    for delivery in log["items"].as_array().expect("items") {
        assert_eq!(delivery["state"], "pending");
        assert_eq!(delivery["tries"], 2);
        assert!(
            delivery["last_error"]
                .as_str()
                .expect("an error")
                .starts_with("cannot connect"),
            "{delivery}"
        );
    }

    let receiver = Receiver::on(port).await;
    later(&app, 330).await;
    let calls = receiver.calls();
    assert_eq!(calls.len(), 3, "each once");
    let mut told: Vec<i64> = calls
        .iter()
        .map(|c| c.json()["data"]["client_id"].as_i64().expect("an id"))
        .collect();
    told.sort_unstable();
    assert_eq!(told, clients);
    assert!(
        verify(&calls, &secret, now_secs(&app))
            .iter()
            .all(|v| v == "ok")
    );
    later(&app, 3600).await;
    assert_eq!(receiver.calls().len(), 3, "and never again");
}

#[tokio::test]
async fn a_day_of_failures_disables_the_endpoint_after_eight_tries() {
    let app = app().await;
    let receiver = Receiver::start().await;
    receiver.answer(&[503; 20]);
    let ann = app.user("ann@example.org").await;
    let (id, _) = endpoint(&app, &ann, &receiver.url("/"), &["run.started"]).await;
    test_event(&app, &ann, id).await;
    let started = app.clock_now();
    for _ in 0..40 {
        later(&app, 3600).await;
    }
    assert_eq!(receiver.calls().len(), 8);
    let hook = read(&app, &ann, &format!("/api/v1/webhooks/{id}")).await;
    assert_eq!(hook["enabled"], false, "{hook}");
    assert!(
        hook["disabled_reason"]
            .as_str()
            .expect("a reason")
            .contains("for a day")
    );
    let log = deliveries(&app, &ann, id).await;
    let tries = log["items"][0]["attempts"].as_array().expect("tries");
    let last: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(tries[7]["tried_at"].clone()).expect("a time");
    assert!(last.naive_utc() - started >= Duration::hours(24));
    assert_eq!(log["items"][0]["state"], "failed");
}

#[tokio::test]
async fn two_runners_never_send_one_delivery_at_the_same_time() {
    let app = app().await;
    let receiver = Receiver::start().await;
    receiver.slow(std::time::Duration::from_millis(300));
    let ann = app.user("ann@example.org").await;
    let (id, _) = endpoint(&app, &ann, &receiver.url("/"), &["client.unsubscribed"]).await;
    for i in 0..4 {
        unsubscribed(&app, &ann, &format!("u{i}@example.net")).await;
    }
    // A second job for each delivery, as a resend racing its scheduled try would make.
    let log = deliveries(&app, &ann, id).await;
    {
        let mut conn = app.pool.get().expect("a connection");
        for delivery in log["items"].as_array().expect("items") {
            DeliverWebhook {
                delivery: delivery["id"].as_i64().expect("an id"),
                schedule: 0,
            }
            .enqueue(&mut conn, app.clock_now())
            .expect("enqueued");
        }
    }
    // Two workers (two processes' runners, on one database) at the same moment.
    let (one, two) = (app.jobs(), app.jobs());
    let (a, b) = tokio::join!(one.run_due(), two.run_due());
    assert_eq!(a.expect("ran") + b.expect("ran"), 8);
    let calls = receiver.calls();
    assert_eq!(
        calls.len(),
        4,
        "at most {} at once",
        receiver.most_at_once()
    );
    let mut ids: Vec<&str> = calls.iter().map(|c| c.header("webhook-id")).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 4, "each delivery sent once");
    let log = deliveries(&app, &ann, id).await;
    assert!(
        log["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|d| d["state"] == "delivered" && d["tries"] == 1)
    );
}

#[tokio::test]
async fn a_delivery_can_be_sent_again_by_its_owner_only() {
    let app = app().await;
    let receiver = Receiver::start().await;
    let (ann, bob, mia) = (
        app.user("ann@example.org").await,
        app.user("bob@example.org").await,
        app.manager("mia@example.org").await,
    );
    let (id, _) = endpoint(&app, &ann, &receiver.url("/"), &["run.started"]).await;
    let tested: Value = test_event(&app, &ann, id).await.json().await.expect("JSON");
    assert_eq!(tested["state"], "delivered");
    let delivery = tested["id"].as_i64().expect("an id");
    let retry = format!("/api/v1/webhooks/{id}/deliveries/{delivery}/retry");

    // Another user: as if there were nothing; a manager reads the log, resends nothing.
    for path in [
        format!("/api/v1/webhooks/{id}/deliveries"),
        format!("/api/v1/webhooks/{id}/test"),
        retry.clone(),
    ] {
        let response = if path.ends_with("deliveries") {
            app.get_as(&path, &bob.access).await
        } else {
            app.post_as(&path, &bob.access, &json!({})).await
        };
        problem(response, 404).await;
    }
    assert_eq!(deliveries(&app, &mia, id).await["total"], 1);
    problem(app.post_as(&retry, &mia.access, &json!({})).await, 403).await;
    let unknown = format!("/api/v1/webhooks/{id}/deliveries/{}/retry", delivery + 100);
    problem(app.post_as(&unknown, &ann.access, &json!({})).await, 404).await;
    let bad = format!("/api/v1/webhooks/{id}/deliveries?per_page=0");
    problem(app.get_as(&bad, &ann.access).await, 422).await;
    assert_eq!(receiver.calls().len(), 1, "none of that sent anything");

    let again = app.post_as(&retry, &ann.access, &json!({})).await;
    assert_eq!(again.status().as_u16(), 202);
    let again: Value = again.json().await.expect("JSON");
    assert_eq!(again["state"], "pending");
    later(&app, 1).await;
    let calls = receiver.calls();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].header("webhook-id"), calls[1].header("webhook-id"));
    let log = deliveries(&app, &ann, id).await;
    assert_eq!(
        log["items"][0]["tries"], 1,
        "a resend starts a new round of tries"
    );
    assert_eq!(
        log["items"][0]["attempts"].as_array().expect("tries").len(),
        2,
        "every try stays in the log"
    );
    assert_eq!(log["items"][0]["state"], "delivered");
}

#[tokio::test]
async fn a_worker_that_forbids_private_addresses_refuses_to_call_one() {
    let app = app().await;
    let receiver = Receiver::start().await;
    let ann = app.user("ann@example.org").await;
    let (id, _) = endpoint(&app, &ann, &receiver.url("/"), &["client.unsubscribed"]).await;
    unsubscribed(&app, &ann, "cy@example.net").await;
    // The API allowed the address; this worker's installation does not.
    let mut strict = app.settings.clone();
    strict.webhooks.allow_private = false;
    assert_eq!(app.jobs_with(&strict).run_due().await.expect("ran"), 1);
    assert!(receiver.calls().is_empty());
    let log = deliveries(&app, &ann, id).await;
    let error = log["items"][0]["last_error"].as_str().expect("an error");
    assert!(error.contains("private network"), "{error}");
    assert!(
        !error.contains("127.0.0.1:"),
        "the address itself is not said: {error}"
    );
}

#[tokio::test]
async fn after_a_rotation_both_secrets_verify_for_a_day_then_only_the_new_one() {
    let app = app().await;
    let receiver = Receiver::start().await;
    let ann = app.user("ann@example.org").await;
    let (id, old) = endpoint(&app, &ann, &receiver.url("/"), &["run.started"]).await;
    let rotated: Value = app
        .post_as(
            &format!("/api/v1/webhooks/{id}/rotate-secret"),
            &ann.access,
            &json!({}),
        )
        .await
        .json()
        .await
        .expect("JSON");
    let new = rotated["secret"].as_str().expect("a secret").to_owned();
    test_event(&app, &ann, id).await;
    let calls = receiver.calls();
    assert_eq!(calls[0].header("webhook-signature").split(' ').count(), 2);
    assert_eq!(verify(&calls, &new, now_secs(&app)), ["ok"]);
    assert_eq!(verify(&calls, &old, now_secs(&app)), ["ok"]);

    app.clock.advance(Duration::hours(25));
    test_event(&app, &ann, id).await;
    let calls = receiver.calls();
    assert_eq!(calls.len(), 2);
    assert_eq!(verify(&calls[1..], &new, now_secs(&app)), ["ok"]);
    assert_ne!(verify(&calls[1..], &old, now_secs(&app)), ["ok"]);
}

#[tokio::test]
async fn a_big_run_tells_its_attempts_in_batches_of_at_most_a_hundred() {
    let app = app().await;
    let receiver = Receiver::start().await;
    let ann = app.user("ann@example.org").await;
    endpoint(&app, &ann, &receiver.url("/"), &["attempt.succeeded"]).await;
    let ids = crate::fixtures::numbered_clients(&app, &ann, 150).await;
    let mailing = open_mailing(&app, &ann, &ids).await;
    send(&app, &ann, mailing).await;
    app.drain().await;
    later(&app, 2).await;
    let calls = receiver.calls();
    let sizes: Vec<usize> = calls
        .iter()
        .map(|c| {
            c.json()["data"]["attempts"]
                .as_array()
                .expect("attempts")
                .len()
        })
        .collect();
    assert!(sizes.iter().all(|&n| (1..=100).contains(&n)), "{sizes:?}");
    assert_eq!(sizes.iter().sum::<usize>(), 150, "{sizes:?}");
    assert!(calls.len() <= 4, "{sizes:?}");
    let mut told: Vec<i64> = calls
        .iter()
        .flat_map(|c| {
            c.json()["data"]["attempts"]
                .as_array()
                .expect("attempts")
                .iter()
                .map(|a| a["client_id"].as_i64().expect("an id"))
                .collect::<Vec<_>>()
        })
        .collect();
    told.sort_unstable();
    let mut sent = ids.clone();
    sent.sort_unstable();
    assert_eq!(told, sent, "each attempt once");
}

#[tokio::test]
async fn a_manager_disabling_a_mailing_is_told_to_its_owners_endpoint() {
    let app = app().await;
    let receiver = Receiver::start().await;
    let (ann, mia) = (
        app.user("ann@example.org").await,
        app.manager("mia@example.org").await,
    );
    endpoint(&app, &ann, &receiver.url("/"), &["mailing.disabled"]).await;
    let cy = client(&app, &ann, "cy@example.net", "Cy").await;
    let mailing = open_mailing(&app, &ann, &[cy]).await;
    let run = send(&app, &ann, mailing).await;
    let disable = format!("/api/v1/mailings/{mailing}/disable");
    for _ in 0..2 {
        let disabled = app.post_as(&disable, &mia.access, &json!({})).await;
        assert_eq!(disabled.status().as_u16(), 200);
    }
    later(&app, 1).await;
    let calls = receiver.calls();
    assert_eq!(events(&calls), ["mailing.disabled"], "once, however often");
    let data = &calls[0].json()["data"];
    assert_eq!(data["mailing_id"], mailing);
    assert_eq!(data["cancelled_runs"], json!([run["id"]]));
}

#[tokio::test]
async fn a_redirect_is_not_followed_but_retried_like_any_failure() {
    let app = app().await;
    let receiver = Receiver::start().await;
    let elsewhere = Receiver::start().await;
    receiver.redirect_to(&elsewhere.url("/stolen"));
    receiver.answer(&[302]);
    let ann = app.user("ann@example.org").await;
    let (id, _) = endpoint(&app, &ann, &receiver.url("/"), &["run.started"]).await;
    let tested: Value = test_event(&app, &ann, id).await.json().await.expect("JSON");
    assert_eq!(tested["last_status"], 302);
    assert_eq!(tested["state"], "pending");
    assert!(
        elsewhere.calls().is_empty(),
        "the redirect was not followed"
    );
    later(&app, 10).await;
    assert_eq!(receiver.calls().len(), 2);
    assert!(elsewhere.calls().is_empty());
}

#[tokio::test]
async fn a_try_that_died_holding_its_delivery_is_made_again_once_its_hold_runs_out() {
    let app = app().await;
    let receiver = Receiver::start().await;
    let ann = app.user("ann@example.org").await;
    let (id, _) = endpoint(&app, &ann, &receiver.url("/"), &["client.unsubscribed"]).await;
    unsubscribed(&app, &ann, "cy@example.net").await;
    let delivery = deliveries(&app, &ann, id).await["items"][0]["id"]
        .as_i64()
        .expect("an id");
    {
        // Another process took it for its try and died before it could say how it went.
        let mut conn = app.pool.get().expect("a connection");
        let now = app.clock_now();
        let taken = mailroom_api::db::queries::webhook_deliveries::claim(
            &mut conn,
            delivery,
            0,
            7,
            now,
            now + Duration::seconds(60),
        )
        .expect("claimed");
        assert!(matches!(
            taken,
            mailroom_api::db::queries::webhook_deliveries::Claim::Taken(_)
        ));
    }
    // Its job comes while the hold lasts: it is kept, to come back.
    later(&app, 0).await;
    assert!(receiver.calls().is_empty());
    for _ in 0..12 {
        later(&app, 10).await;
    }
    assert_eq!(receiver.calls().len(), 1, "sent once the hold ran out");
    assert_eq!(
        deliveries(&app, &ann, id).await["items"][0]["state"],
        "delivered"
    );
}

#[tokio::test]
async fn a_production_worker_refuses_an_endpoint_that_is_not_https() {
    let app = app().await;
    let receiver = Receiver::start().await;
    let ann = app.user("ann@example.org").await;
    let (id, _) = endpoint(&app, &ann, &receiver.url("/"), &["client.unsubscribed"]).await;
    unsubscribed(&app, &ann, "cy@example.net").await;
    let mut production = app.settings.clone();
    production.webhooks.https_only = true;
    assert_eq!(app.jobs_with(&production).run_due().await.expect("ran"), 1);
    assert!(receiver.calls().is_empty());
    let log = deliveries(&app, &ann, id).await;
    let error = log["items"][0]["last_error"].as_str().expect("an error");
    assert!(error.contains("https"), "{error}");
}
