//! A sender whose recorder dies stops sending at once instead of sending everything again at
//! each lease expiry: `mailroom worker` exits with an error, `mailroom serve` reports itself not
//! ready. The recorder is made to die by a fault injection point (`FAILPOINTS`, compiled into
//! the test build of the binary only).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::accounts::Session;
use crate::fixtures::eventually;
use crate::helpers::{TEST_JWT_SECRET, TestApp, spawn_sending_app};

const BIN: &str = env!("CARGO_BIN_EXE_mailroom");
const CLIENTS: usize = 30;
const CONCURRENCY: usize = 2;
const RECORDER_DIES: (&str, &str) = ("FAILPOINTS", "worker::record=panic");

/// `mailroom <command>` on the test app's database and SMTP server, its log kept.
fn mailroom(
    app: &TestApp,
    command: &str,
    env: &[(&str, &str)],
) -> (Child, std::sync::mpsc::Receiver<String>) {
    let data_dir = std::env::temp_dir();
    let mut child = Command::new(BIN)
        .arg(command)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("DATA_DIR", data_dir)
        .env("DATABASE_URL", app.settings.database_url.expose())
        .env("SMTP_URL", app.mail().url())
        .env("JWT_SECRET", TEST_JWT_SECRET)
        .env("PUBLIC_BASE_URL", "http://mailroom.test")
        .env("BIND", "127.0.0.1:0")
        .env("SEND_CONCURRENCY", CONCURRENCY.to_string())
        .env("SEND_BATCH", CONCURRENCY.to_string())
        .env("SEND_LEASE_SECS", "5")
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mailroom starts");
    let log = child.stderr.take().expect("the log on stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(log).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    (child, rx)
}

/// A queued run of a mailing to `CLIENTS` clients: (mailing, run).
async fn queued_run(app: &TestApp, ann: &Session) -> (i64, i64) {
    let ids = crate::fixtures::numbered_clients(app, ann, CLIENTS).await;
    let mailing = crate::fixtures::open_mailing(app, ann, &ids).await;
    let run = crate::fixtures::send(app, ann, mailing).await;
    (mailing, run["id"].as_i64().expect("run id"))
}

#[tokio::test]
async fn a_worker_whose_recorder_dies_stops_sending_and_exits_with_an_error() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let (mailing, run) = queued_run(&app, &ann).await;

    let (mut worker, log) = mailroom(&app, "worker", &[RECORDER_DIES]);
    let status = eventually("the worker exits", Duration::from_secs(60), async || {
        worker.try_wait().expect("wait")
    })
    .await;
    assert!(
        !status.success(),
        "the worker exits with an error: {status}"
    );
    let lines: Vec<String> = log.try_iter().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("the sender stopped") && l.contains("recorder")),
        "it says why: {lines:#?}"
    );
    let sent_before_stopping = app.mail().all().len();
    assert!(
        sent_before_stopping <= 2 * CONCURRENCY,
        "it stopped claiming: {sent_before_stopping} of {CLIENTS} mails went out"
    );

    // A healthy worker takes the deliveries over once their leases run out: nothing is lost.
    let (mut healthy, _log) = mailroom(&app, "worker", &[]);
    let path = format!("/api/v1/mailings/{mailing}/runs/{run}");
    let done = eventually("the run finishes", Duration::from_secs(60), async || {
        let figures = crate::fixtures::read(&app, &ann, &path).await;
        figures["finished_at"].is_string().then_some(figures)
    })
    .await;
    let _ = healthy.kill();
    let _ = healthy.wait();
    assert_eq!(done["sent"], CLIENTS, "{done}");
    let mut recipients: Vec<String> = app.mail().all().into_iter().map(|m| m.to).collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(recipients.len(), CLIENTS, "every client got their mail");
}

#[tokio::test]
async fn a_server_whose_sender_stopped_answers_not_ready() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let (mut server, log) = mailroom(&app, "serve", &[RECORDER_DIES]);
    let address = eventually("the server listens", Duration::from_secs(60), async || {
        log.try_iter().find_map(|line| {
            line.find("listening on http://")
                .map(|at| line[at + "listening on ".len()..].trim().to_owned())
        })
    })
    .await;
    let ready = || async {
        let answer = reqwest::get(format!("{address}/health/ready"))
            .await
            .expect("ready answers");
        let status = answer.status().as_u16();
        (status, answer.json::<Value>().await.expect("JSON"))
    };
    let (status, body) = ready().await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["checks"]["sender"]["status"], "up");

    queued_run(&app, &ann).await;
    let body = eventually(
        "the server says it is not ready",
        Duration::from_secs(60),
        async || {
            let (status, body) = ready().await;
            (status == 503).then_some(body)
        },
    )
    .await;
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(body["checks"]["sender"]["status"], "down", "{body}");
    assert!(
        body["checks"]["sender"]["error"]
            .as_str()
            .is_some_and(|e| e.contains("recorder")),
        "{body}"
    );
    assert_eq!(body["checks"]["database"]["status"], "up");
}
