//! Crash safety: a `mailroom worker` process killed with SIGKILL in the middle of a 10,000-client run,
//! then started again, still gets every client their mail, sends again only what was in flight at
//! the crash, and leaves a run whose figures add up.

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{TEST_JWT_SECRET, TestApp, spawn_sending_app};

const BIN: &str = env!("CARGO_BIN_EXE_mailroom");
const CLIENTS: usize = 10_000;
const CONCURRENCY: usize = 40;

fn start_worker(app: &TestApp, data_dir: &std::path::Path) -> Child {
    Command::new(BIN)
        .arg("worker")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("DATA_DIR", data_dir)
        .env("DATABASE_URL", app.settings.database_url.expose())
        .env("SMTP_URL", app.mail().url())
        .env("JWT_SECRET", TEST_JWT_SECRET)
        .env("PUBLIC_BASE_URL", "http://mailroom.test")
        .env("SEND_CONCURRENCY", CONCURRENCY.to_string())
        .env("SEND_LEASE_SECS", "5")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the worker starts")
}

async fn run_now(app: &TestApp, token: &str, mailing: i64, run: i64) -> Value {
    app.get_as(&format!("/api/v1/mailings/{mailing}/runs/{run}"), token)
        .await
        .json()
        .await
        .expect("JSON")
}

/// Polls the run until `done` says so, for at most `limit`.
async fn wait_until(
    app: &TestApp,
    token: &str,
    (mailing, run): (i64, i64),
    limit: Duration,
    done: impl Fn(&Value) -> bool,
) -> Value {
    crate::fixtures::eventually("the run's figures", limit, async || {
        let figures = run_now(app, token, mailing, run).await;
        done(&figures).then_some(figures)
    })
    .await
}

#[tokio::test]
async fn a_worker_killed_mid_run_loses_nothing_and_resends_at_most_what_was_in_flight() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let csv: String = std::iter::once("email,full_name\n".to_owned())
        .chain((0..CLIENTS).map(|i| format!("c{i}@d{}.example.net,Client {i}\n", i % 7)))
        .collect();
    crate::fixtures::import_csv(&app, &ann, csv).await;
    let mut ids = Vec::with_capacity(CLIENTS);
    for page in 1..=CLIENTS.div_ceil(200) {
        let body: Value = app
            .get_as(
                &format!("/api/v1/clients?per_page=200&page={page}"),
                &ann.access,
            )
            .await
            .json()
            .await
            .expect("JSON");
        ids.extend(
            body["items"]
                .as_array()
                .expect("items")
                .iter()
                .filter_map(|c| c["id"].as_i64()),
        );
    }
    assert_eq!(ids.len(), CLIENTS);
    let message: Value = app
        .post_as(
            "/api/v1/messages",
            &ann.access,
            &json!({"subject": "Hi {{full_name}}", "body": "News"}),
        )
        .await
        .json()
        .await
        .expect("JSON");
    let now = chrono::Utc::now();
    let mailing: Value = app
        .post_as(
            "/api/v1/mailings",
            &ann.access,
            &json!({
                "message_id": message["id"], "client_ids": ids,
                "starts_at": (now - chrono::Duration::hours(1)).to_rfc3339(),
                "ends_at": (now + chrono::Duration::days(1)).to_rfc3339(),
            }),
        )
        .await
        .json()
        .await
        .expect("JSON");
    let mailing = mailing["id"].as_i64().expect("id");
    let queued: Value = app
        .post_as(
            &format!("/api/v1/mailings/{mailing}/send"),
            &ann.access,
            &json!({}),
        )
        .await
        .json()
        .await
        .expect("JSON");
    let run = (mailing, queued["id"].as_i64().expect("run id"));

    let data_dir = tempfile::tempdir().expect("temp dir");
    let mut first = start_worker(&app, data_dir.path());
    let at_kill = wait_until(&app, &ann.access, run, Duration::from_secs(120), |r| {
        r["sent"].as_u64().unwrap_or(0) >= 2_000
    })
    .await;
    first.kill().expect("SIGKILL");
    first.wait().expect("the killed worker is reaped");
    let received_at_kill = app.mail().all().len();

    let mut second = start_worker(&app, data_dir.path());
    let done = wait_until(&app, &ann.access, run, Duration::from_secs(180), |r| {
        r["finished_at"].is_string()
    })
    .await;
    // A graceful stop this time: SIGTERM, and the worker exits on its own.
    let term = Command::new("kill")
        .args(["-TERM", &second.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(term.success());
    let status = second.wait().expect("the worker exits");
    assert!(
        status.success(),
        "a worker stops cleanly on SIGTERM: {status}"
    );

    assert_eq!(
        ["total", "sent", "failed", "cancelled", "pending"].map(|k| done[k].as_u64()),
        [CLIENTS, CLIENTS, 0, 0, 0].map(|n| Some(n as u64)),
        "the run's figures add up: {done}"
    );
    // The figures kept with the writes agree with a count of the deliveries themselves.
    let counted: Vec<(String, i64)> = {
        use diesel::prelude::*;
        use mailroom_api::db::schema::deliveries;
        deliveries::table
            .filter(deliveries::run_id.eq(run.1))
            .group_by(deliveries::state)
            .select((deliveries::state, diesel::dsl::count_star()))
            .load(&mut *app.pool.get().expect("connection"))
            .expect("counted")
    };
    assert_eq!(counted, vec![("sent".to_owned(), CLIENTS as i64)]);
    let attempts: Value = app
        .get_as(
            &format!("/api/v1/mailings/{mailing}/attempts?per_page=1"),
            &ann.access,
        )
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        attempts["total"], CLIENTS,
        "one recorded attempt per delivery"
    );

    let mut per_client: HashMap<String, usize> = HashMap::new();
    for mail in app.mail().all() {
        *per_client.entry(mail.to.to_lowercase()).or_default() += 1;
    }
    assert_eq!(per_client.len(), CLIENTS, "every client got their mail");
    let duplicates: usize = per_client.values().map(|n| n - 1).sum();
    eprintln!(
        "crash test: killed after {} recorded sends ({received_at_kill} received by the server); \
         after the restart {} mails for {CLIENTS} clients, {duplicates} sent twice (limit \
         {CONCURRENCY})",
        at_kill["sent"],
        per_client.values().sum::<usize>(),
    );
    assert!(
        duplicates <= CONCURRENCY,
        "{duplicates} duplicates, more than the worker's concurrency of {CONCURRENCY}"
    );
}
