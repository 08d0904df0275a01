//! Sending against a real SMTP server on loopback (aiosmtpd with scripted answers, see
//! smtp_rules.py), with the workers and the scheduler driven by the test on a clock it moves.

use chrono::Duration;
use serde_json::{Value, json};

use crate::accounts::Session;
use crate::fixtures::{client, mailing, numbered_clients, open_mailing, read, send};
use crate::helpers::{TestApp, problem, spawn_sending_app, spawn_sending_app_with};

async fn run_of(app: &TestApp, who: &Session, mailing: i64, run: &Value) -> Value {
    let response = app
        .get_as(
            &format!("/api/v1/mailings/{mailing}/runs/{}", run["id"]),
            &who.access,
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.expect("JSON")
}

async fn attempts_of(app: &TestApp, who: &Session, mailing: i64) -> Vec<Value> {
    let page: Value = app
        .get_as(
            &format!("/api/v1/mailings/{mailing}/attempts?sort=attempted_at&per_page=200"),
            &who.access,
        )
        .await
        .json()
        .await
        .expect("JSON");
    page["items"].as_array().cloned().unwrap_or_default()
}

fn figures(run: &Value) -> [u64; 5] {
    ["total", "sent", "failed", "cancelled", "pending"].map(|k| run[k].as_u64().unwrap_or(999))
}

#[tokio::test]
async fn a_run_delivers_every_client_exactly_once_with_a_personal_message() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let mut clients = Vec::new();
    for (email, name) in [
        ("bob@example.net", "Bob Stone"),
        ("cy@example.net", "Cy Twombly"),
        ("di@example.com", "Di Prima"),
    ] {
        clients.push(client(&app, &ann, email, name).await);
    }
    let id = open_mailing(&app, &ann, &clients).await;
    let queued = send(&app, &ann, id).await;
    assert_eq!(figures(&queued), [3, 0, 0, 0, 3]);
    assert_eq!(queued["trigger"], "manual");

    app.drain().await;

    let done = run_of(&app, &ann, id, &queued).await;
    assert_eq!(figures(&done), [3, 3, 0, 0, 0]);
    assert!(done["started_at"].is_string() && done["finished_at"].is_string());
    let smtp = app.mail();
    for (email, name) in [
        ("bob@example.net", "Bob Stone"),
        ("cy@example.net", "Cy Twombly"),
        ("di@example.com", "Di Prima"),
    ] {
        let mails = smtp.wait_for(email, 1).await;
        assert_eq!(mails.len(), 1, "exactly one mail to {email}");
        let mail = &mails[0];
        assert_eq!(mail.subject, format!("News for {name}"));
        assert!(
            mail.text.contains(&format!("Dear {name} <{email}>")),
            "{}",
            mail.text
        );
        let unsubscribe = mail.list_unsubscribe.clone().expect("List-Unsubscribe");
        assert!(
            unsubscribe.starts_with("<http://mailroom.test/u/"),
            "{unsubscribe}"
        );
        let url = unsubscribe.trim_matches(['<', '>']);
        assert!(mail.text.contains(url), "the body links the same address");
        assert_eq!(
            mail.list_unsubscribe_post.as_deref(),
            Some("List-Unsubscribe=One-Click")
        );
        assert!(
            mail.message_id
                .as_deref()
                .is_some_and(|m| m.contains("@example.org"))
        );
    }
    let attempts = attempts_of(&app, &ann, id).await;
    assert_eq!(attempts.len(), 3);
    for attempt in &attempts {
        assert_eq!(attempt["status"], "success");
        assert_eq!(attempt["run_id"], queued["id"]);
        assert!(
            attempt["server_response"]
                .as_str()
                .is_some_and(|r| r.starts_with("250")),
            "{attempt}"
        );
    }
    let mailing: Value = read(&app, &ann, &format!("/api/v1/mailings/{id}")).await;
    assert_eq!(mailing["status"], "running");
    assert_eq!(mailing["success_count"], 3);
}

#[tokio::test]
async fn a_mailing_answers_with_its_latest_run_in_its_page_and_in_the_list() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let bob = client(&app, &ann, "bob@example.net", "Bob").await;
    let id = open_mailing(&app, &ann, &[bob]).await;
    let path = format!("/api/v1/mailings/{id}");
    let never: Value = read(&app, &ann, &path).await;
    assert!(never["last_run"].is_null(), "not sent yet: {never}");

    let first = send(&app, &ann, id).await;
    let queued: Value = read(&app, &ann, &path).await;
    assert_eq!(queued["last_run"]["id"], first["id"]);
    assert_eq!(figures(&queued["last_run"]), [1, 0, 0, 0, 1]);
    assert!(queued["last_run"]["finished_at"].is_null());

    app.drain().await;
    let second = send(&app, &ann, id).await;
    app.drain().await;
    let done: Value = read(&app, &ann, &path).await;
    assert_eq!(done["last_run"]["id"], second["id"], "the newer run");
    assert_eq!(figures(&done["last_run"]), [1, 1, 0, 0, 0]);
    assert!(done["last_run"]["finished_at"].is_string());
    let list: Value = read(&app, &ann, "/api/v1/mailings").await;
    assert_eq!(list["items"][0]["id"], id);
    assert_eq!(list["items"][0]["last_run"], done["last_run"]);
}

#[tokio::test]
async fn a_temporary_refusal_is_retried_later_and_both_attempts_are_recorded() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let flaky = client(&app, &ann, "tempfail-1-eve@example.net", "Eve").await;
    let id = open_mailing(&app, &ann, &[flaky]).await;
    let queued = send(&app, &ann, id).await;

    app.drain().await;
    let after_first = run_of(&app, &ann, id, &queued).await;
    assert_eq!(
        figures(&after_first),
        [1, 0, 0, 0, 1],
        "waiting for its retry"
    );
    assert!(after_first["finished_at"].is_null());
    app.drain().await;
    assert_eq!(
        attempts_of(&app, &ann, id).await.len(),
        1,
        "not retried before its time"
    );

    app.clock.advance(Duration::hours(2));
    app.drain().await;
    let done = run_of(&app, &ann, id, &queued).await;
    assert_eq!(figures(&done), [1, 1, 0, 0, 0]);
    let attempts = attempts_of(&app, &ann, id).await;
    let replies: Vec<_> = attempts
        .iter()
        .map(|a| {
            (
                a["status"].as_str(),
                a["server_response"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(replies.len(), 2);
    assert_eq!(replies[0].0, Some("failure"));
    assert!(replies[0].1.starts_with("451 4.3.0"), "{}", replies[0].1);
    assert_eq!(replies[1].0, Some("success"));
    assert_eq!(
        app.mail()
            .wait_for("tempfail-1-eve@example.net", 1)
            .await
            .len(),
        1
    );
}

#[tokio::test]
async fn a_server_asking_to_slow_down_pauses_sending_instead_of_burning_everyones_tries() {
    // One message at a time, so that without the pause the next ones would reach the server
    // while it is still busy and each lose a try to a 421.
    let app = spawn_sending_app_with(|config| config.sending.send_concurrency = 1).await;
    let ann = app.user("ann@example.org").await;
    let mut clients = vec![client(&app, &ann, "busy-bob@example.net", "Bob").await];
    for n in 0..9 {
        clients.push(client(&app, &ann, &format!("c{n}@example.net"), "C").await);
    }
    let id = open_mailing(&app, &ann, &clients).await;
    let queued = send(&app, &ann, id).await;

    let started = std::time::Instant::now();
    app.drain().await;
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(1),
        "the others waited out the pause"
    );
    let attempts = attempts_of(&app, &ann, id).await;
    let refused: Vec<_> = attempts
        .iter()
        .filter(|a| a["status"] == "failure")
        .map(|a| (a["client_email"].clone(), a["server_response"].clone()))
        .collect();
    assert_eq!(
        refused.len(),
        1,
        "only the message that met the 421: {refused:?}"
    );
    assert_eq!(refused[0].0, "busy-bob@example.net");
    assert!(
        refused[0]
            .1
            .as_str()
            .is_some_and(|r| r.starts_with("421 4.7.0")),
        "{refused:?}"
    );
    assert_eq!(
        figures(&run_of(&app, &ann, id, &queued).await),
        [10, 9, 0, 0, 1]
    );

    app.clock.advance(Duration::hours(2));
    app.drain().await;
    assert_eq!(
        figures(&run_of(&app, &ann, id, &queued).await),
        [10, 10, 0, 0, 0]
    );
}

#[tokio::test]
async fn a_permanent_refusal_is_final_and_keeps_the_servers_words() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let gone = client(&app, &ann, "reject-zed@example.net", "Zed").await;
    let fine = client(&app, &ann, "fay@example.net", "Fay").await;
    let id = open_mailing(&app, &ann, &[gone, fine]).await;
    let queued = send(&app, &ann, id).await;

    app.drain().await;
    app.clock.advance(Duration::days(1) - Duration::minutes(1));
    app.drain().await;

    let done = run_of(&app, &ann, id, &queued).await;
    assert_eq!(figures(&done), [2, 1, 1, 0, 0]);
    let attempts = attempts_of(&app, &ann, id).await;
    let refused: Vec<_> = attempts
        .iter()
        .filter(|a| a["client_email"] == "reject-zed@example.net")
        .collect();
    assert_eq!(refused.len(), 1, "a permanent refusal is not retried");
    assert_eq!(refused[0]["status"], "failure");
    let reply = refused[0]["server_response"].as_str().unwrap_or_default();
    assert!(
        reply.starts_with("550") && reply.contains("Recipient address rejected: no such user"),
        "{reply}"
    );
}

#[tokio::test]
async fn an_unreachable_server_is_recorded_and_retried_until_the_tries_run_out() {
    // A port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let app = spawn_sending_app_with(|c| {
        c.smtp_url = Some(format!("smtp://127.0.0.1:{closed}"));
        c.sending.send_max_attempts = 2;
    })
    .await;
    let ann = app.user("ann@example.org").await;
    let bob = client(&app, &ann, "bob@example.net", "Bob").await;
    let id = open_mailing(&app, &ann, &[bob]).await;
    let queued = send(&app, &ann, id).await;

    app.drain().await;
    assert_eq!(
        figures(&run_of(&app, &ann, id, &queued).await),
        [1, 0, 0, 0, 1]
    );
    app.clock.advance(Duration::hours(2));
    app.drain().await;

    assert_eq!(
        figures(&run_of(&app, &ann, id, &queued).await),
        [1, 0, 1, 0, 0]
    );
    let attempts = attempts_of(&app, &ann, id).await;
    assert_eq!(attempts.len(), 2, "both tries are on record");
    for attempt in attempts {
        assert_eq!(attempt["status"], "failure");
        let reply = attempt["server_response"].as_str().unwrap_or_default();
        assert!(reply.starts_with("connection failed"), "{reply}");
    }
}

#[tokio::test]
async fn an_unsubscribed_client_is_left_out_of_later_runs() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let bob = client(&app, &ann, "bob@example.net", "Bob").await;
    let cy = client(&app, &ann, "cy@example.net", "Cy").await;
    let id = open_mailing(&app, &ann, &[bob, cy]).await;
    send(&app, &ann, id).await;
    app.drain().await;

    let mail = app.mail().nth("bob@example.net", 1).await;
    let link = mail.list_unsubscribe.expect("List-Unsubscribe");
    let path = link
        .trim_matches(['<', '>'])
        .strip_prefix("http://mailroom.test")
        .expect("a link to the app")
        .to_owned();
    // A person opening the link gets the web app's page, which asks before it posts.
    let page = app.get(&path).await;
    assert_eq!(page.status().as_u16(), 200);
    assert!(
        page.text()
            .await
            .expect("body")
            .contains("<title>Mailroom</title>")
    );
    // RFC 8058: the mail program posts the form body to the link.
    let response = app
        .client
        .post(app.url(&path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["email"], "bob@example.net");
    let again = app.client.post(app.url(&path)).send().await.expect("sent");
    assert_eq!(again.status().as_u16(), 200, "a second click is harmless");

    let client: Value = read(&app, &ann, &format!("/api/v1/clients/{bob}")).await;
    assert!(client["unsubscribed_at"].is_string());

    let second = send(&app, &ann, id).await;
    assert_eq!(
        (second["total"].as_u64(), second["skipped"].as_u64()),
        (Some(1), Some(1))
    );
    app.drain().await;
    assert_eq!(app.mail().wait_for("cy@example.net", 2).await.len(), 2);
    assert_eq!(app.mail().wait_for("bob@example.net", 1).await.len(), 1);

    let forged = format!("/u/{bob}-AAAAAAAAAAAAAAAAAAAAAA");
    let refused = app
        .client
        .post(app.url(&forged))
        .send()
        .await
        .expect("sent");
    problem(refused, 404).await;
}

#[tokio::test]
async fn sending_is_refused_with_a_reason_and_nothing_is_queued() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let eve = app.user("eve@example.org").await;
    let manager = app.manager("boss@example.org").await;
    let bob = client(&app, &ann, "bob@example.net", "Bob").await;
    let now = app.clock_now();
    let ended = mailing(
        &app,
        &ann,
        &[bob],
        (now - Duration::days(2), now + Duration::minutes(1)),
        "once",
    )
    .await;
    let open = open_mailing(&app, &ann, &[bob]).await;
    app.clock.advance(Duration::minutes(2));
    let send_as = |who: &Session, id: i64| {
        let path = format!("/api/v1/mailings/{id}/send");
        let token = who.access.clone();
        let app = &app;
        async move { app.post_as(&path, &token, &json!({})).await }
    };

    let body = problem(send_as(&ann, ended).await, 409).await;
    assert!(
        body["detail"].as_str().is_some_and(|d| d.contains("ended")),
        "{body}"
    );
    problem(send_as(&eve, open).await, 404).await;
    problem(send_as(&manager, open).await, 403).await;
    problem(send_as(&ann, 999_999).await, 404).await;

    let first = send(&app, &ann, open).await;
    let busy = problem(send_as(&ann, open).await, 409).await;
    assert!(
        busy["detail"]
            .as_str()
            .is_some_and(|d| d.contains("still sending")),
        "{busy}"
    );

    let disabled = app
        .post_as(
            &format!("/api/v1/mailings/{open}/disable"),
            &manager.access,
            &json!({}),
        )
        .await;
    assert_eq!(disabled.status().as_u16(), 200);
    let body = problem(send_as(&ann, open).await, 409).await;
    assert!(
        body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("disabled")),
        "{body}"
    );

    let runs: Value = read(&app, &ann, &format!("/api/v1/mailings/{open}/runs")).await;
    assert_eq!(runs["total"], 1, "only the first run was queued");
    assert_eq!(runs["items"][0]["id"], first["id"]);
    let ended_runs: Value = read(&app, &ann, &format!("/api/v1/mailings/{ended}/runs")).await;
    assert_eq!(ended_runs["total"], 0);
    problem(
        app.get_as(&format!("/api/v1/mailings/{open}/runs"), &eve.access)
            .await,
        404,
    )
    .await;
    problem(
        app.get_as(
            &format!("/api/v1/mailings/{open}/runs/{}", first["id"]),
            &eve.access,
        )
        .await,
        404,
    )
    .await;
    problem(
        app.get_as(
            &format!("/api/v1/mailings/{ended}/runs/{}", first["id"]),
            &ann.access,
        )
        .await,
        404,
    )
    .await;
    problem(
        app.get_as(
            &format!("/api/v1/mailings/{open}/runs?per_page=0"),
            &ann.access,
        )
        .await,
        422,
    )
    .await;
}

#[tokio::test]
async fn disabling_a_mailing_or_blocking_its_owner_cancels_what_is_queued() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let eve = app.user("eve@example.org").await;
    let manager = app.manager("boss@example.org").await;
    let bob = client(&app, &ann, "bob@example.net", "Bob").await;
    let cy = client(&app, &eve, "cy@example.net", "Cy").await;
    let anns = open_mailing(&app, &ann, &[bob]).await;
    let eves = open_mailing(&app, &eve, &[cy]).await;
    let anns_run = send(&app, &ann, anns).await;
    let eves_run = send(&app, &eve, eves).await;

    let disabled = app
        .post_as(
            &format!("/api/v1/mailings/{anns}/disable"),
            &manager.access,
            &json!({}),
        )
        .await;
    assert_eq!(disabled.status().as_u16(), 200);
    let eve_id = eve.id;
    let blocked = app
        .post_as(
            &format!("/api/v1/users/{eve_id}/block"),
            &manager.access,
            &json!({}),
        )
        .await;
    assert_eq!(blocked.status().as_u16(), 200);
    app.drain().await;

    let run = run_of(&app, &ann, anns, &anns_run).await;
    assert_eq!(figures(&run), [1, 0, 0, 1, 0]);
    assert!(run["finished_at"].is_string());
    let run = run_of(&app, &manager, eves, &eves_run).await;
    assert_eq!(figures(&run), [1, 0, 0, 1, 0]);
    assert!(
        app.mail()
            .all()
            .iter()
            .all(|m| m.to != "bob@example.net" && m.to != "cy@example.net")
    );
}

#[tokio::test]
async fn the_scheduler_sends_on_time_repeats_daily_and_stops_at_the_end() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let bob = client(&app, &ann, "bob@example.net", "Bob").await;
    let start = app.clock_now() + Duration::hours(1);
    let id = mailing(
        &app,
        &ann,
        &[bob],
        (start, start + Duration::days(2) + Duration::hours(1)),
        "daily",
    )
    .await;

    assert!(app.tick().await.started.is_empty(), "not before its time");
    app.clock.advance(Duration::hours(1));
    assert_eq!(app.tick().await.started.len(), 1, "at its start time");
    assert!(app.tick().await.started.is_empty(), "once per slot");
    app.drain().await;
    assert_eq!(app.mail().wait_for("bob@example.net", 1).await.len(), 1);

    app.clock.advance(Duration::hours(23));
    assert!(app.tick().await.started.is_empty());
    app.clock.advance(Duration::hours(1));
    assert_eq!(app.tick().await.started.len(), 1, "a day later");
    app.drain().await;
    app.clock.advance(Duration::days(1));
    assert_eq!(
        app.tick().await.started.len(),
        1,
        "two days later, before the end"
    );
    app.drain().await;
    app.clock.advance(Duration::days(1));
    assert!(app.tick().await.started.is_empty(), "nothing after the end");

    assert_eq!(app.mail().wait_for("bob@example.net", 3).await.len(), 3);
    let runs: Value = read(&app, &ann, &format!("/api/v1/mailings/{id}/runs")).await;
    assert_eq!(runs["total"], 3);
    assert!(
        runs["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|r| r["trigger"] == "schedule")
    );
    let mailing: Value = read(&app, &ann, &format!("/api/v1/mailings/{id}")).await;
    assert_eq!(mailing["schedule"], "daily");
    assert!(mailing["next_run_at"].is_null());
    assert_eq!(mailing["status"], "completed");
}

#[tokio::test]
async fn reaching_the_end_cancels_deliveries_still_waiting() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let flaky = client(&app, &ann, "tempfail-5-eve@example.net", "Eve").await;
    let now = app.clock_now();
    let id = mailing(
        &app,
        &ann,
        &[flaky],
        (now - Duration::hours(1), now + Duration::minutes(30)),
        "once",
    )
    .await;
    let queued = send(&app, &ann, id).await;
    app.drain().await;
    assert_eq!(
        figures(&run_of(&app, &ann, id, &queued).await),
        [1, 0, 0, 0, 1]
    );

    app.clock.advance(Duration::hours(1));
    app.tick().await;
    let run = run_of(&app, &ann, id, &queued).await;
    assert_eq!(figures(&run), [1, 0, 0, 1, 0]);
    assert!(run["finished_at"].is_string());
}

#[tokio::test]
async fn two_workers_never_deliver_the_same_delivery_twice() {
    let app = spawn_sending_app_with(|c| c.sending.send_batch = 7).await;
    let ann = app.user("ann@example.org").await;
    let ids = numbered_clients(&app, &ann, 120).await;
    let id = open_mailing(&app, &ann, &ids).await;
    let queued = send(&app, &ann, id).await;

    let (one, two) = (app.worker(), app.worker());
    let stop = tokio_util::sync::CancellationToken::new();
    let (a, b) = tokio::join!(one.drain(None, stop.clone()), two.drain(None, stop.clone()));
    a.and(b).expect("both workers drain");

    assert_eq!(
        figures(&run_of(&app, &ann, id, &queued).await),
        [120, 120, 0, 0, 0]
    );
    let mails = app.mail().all();
    let mut recipients: Vec<_> = mails.iter().map(|m| m.to.clone()).collect();
    recipients.sort();
    let total = recipients.len();
    recipients.dedup();
    assert_eq!((total, recipients.len()), (120, 120), "each client once");
    // Between them the two workers sent each delivery once (how they split it is up to timing).
    let sent: u64 = [one.stats(), two.stats()]
        .iter()
        .map(|s| s.sent.load(std::sync::atomic::Ordering::Relaxed))
        .sum();
    assert_eq!(sent, 120);
}
