//! The `mailroom` binary itself, started the way a newcomer starts it.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::problem;

const BIN: &str = env!("CARGO_BIN_EXE_mailroom");

/// A bare environment: nothing configured but the port, which must not collide with a running app.
fn mailroom(dir: &Path) -> Command {
    let mut command = Command::new(BIN);
    command
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1");
    command
}

struct Running {
    child: Child,
    address: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `mailroom` on a free port and waits for the line that says where it listens.
fn start(dir: &Path) -> Running {
    start_with(dir, &[])
}

fn start_with(dir: &Path, env: &[(&str, &str)]) -> Running {
    let mut child = mailroom(dir)
        .env("BIND", "127.0.0.1:0")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mailroom starts");
    let log = child.stderr.take().expect("the log on stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(log).lines().map_while(Result::ok) {
            if let Some(at) = line.find("listening on http://") {
                let address = line[at + "listening on ".len()..].trim().to_owned();
                let _ = tx.send(address);
            }
        }
    });
    let address = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("mailroom says where it listens within a minute");
    Running { child, address }
}

fn spa_index() -> Option<String> {
    let index = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../frontend/dist/index.html");
    std::fs::read_to_string(index).ok()
}

#[tokio::test]
async fn mailroom_starts_with_no_configuration_in_an_empty_folder_and_serves_everything() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = start(dir.path());
    let client = reqwest::Client::new();
    let get = |path: &str| client.get(format!("{}{path}", app.address)).send();

    let ready = get("/health/ready").await.expect("ready answers");
    assert_eq!(ready.status().as_u16(), 200);
    let ready: serde_json::Value = ready.json().await.expect("JSON");
    assert_eq!(ready["checks"]["database"]["backend"], "sqlite");
    assert_eq!(ready["checks"]["redis"]["status"], "disabled");

    assert_eq!(get("/docs/").await.expect("docs").status().as_u16(), 200);
    let spec: serde_json::Value = get("/api-docs/openapi.json")
        .await
        .expect("spec")
        .json()
        .await
        .expect("JSON");
    assert_eq!(spec["info"]["title"], "Mailroom API");

    let index = spa_index()
        .expect("the web app is built (frontend/dist): `cargo xtask spa` builds it, `cargo xtask test` does so first");
    let home = get("/").await.expect("home");
    assert_eq!(home.status().as_u16(), 200);
    assert_eq!(home.text().await.expect("body"), index);

    problem(get("/api/v1/nothing").await.expect("404"), 404).await;

    // Everything the embedded mode keeps lives under ./data.
    for kept in ["data/mailroom.db", "data/jwt_secret", "data/outbox"] {
        assert!(dir.path().join(kept).exists(), "{kept} was created");
    }
}

#[tokio::test]
async fn no_worker_1_in_the_environment_starts_a_server_that_only_answers() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = start_with(dir.path(), &[("NO_WORKER", "1")]);
    let live = reqwest::get(format!("{}/health/live", app.address))
        .await
        .expect("serving");
    assert_eq!(live.status().as_u16(), 200);
}

#[tokio::test]
async fn sigterm_stops_the_server_gracefully() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = start(dir.path());
    let live = reqwest::get(format!("{}/health/live", app.address))
        .await
        .expect("serving");
    assert_eq!(live.status().as_u16(), 200);

    let status = Command::new("kill")
        .args(["-TERM", &app.child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());

    let deadline = Instant::now() + Duration::from_secs(30);
    let exit = loop {
        if let Some(exit) = app.child.try_wait().expect("wait") {
            break exit;
        }
        assert!(
            Instant::now() < deadline,
            "mailroom did not stop within 30 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(exit.success(), "exit status {exit}");
}

#[test]
fn migrate_applies_the_migrations_and_exits() {
    let dir = tempfile::tempdir().expect("temp dir");

    let output = mailroom(dir.path()).arg("migrate").output().expect("runs");

    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(dir.path().join("data/mailroom.db").is_file());
    let again = mailroom(dir.path())
        .arg("migrate")
        .output()
        .expect("runs again");
    assert!(again.status.success(), "a second run is a no-op");
}

#[test]
fn an_unreachable_database_stops_the_start_with_its_cause() {
    let dir = tempfile::tempdir().expect("temp dir");

    let output = mailroom(dir.path())
        .args([
            "migrate",
            "--database-url",
            "postgres://postgres@127.0.0.1:1/mailroom",
        ])
        .env("JWT_SECRET", "x".repeat(40))
        .output()
        .expect("runs");

    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr
            .contains("cannot connect to the database at postgres://postgres@127.0.0.1:1/mailroom"),
        "{stderr}"
    );
    assert!(stderr.contains("refused"), "the cause is shown: {stderr}");
}

#[test]
fn a_bad_setting_is_refused_with_a_message_naming_it() {
    let dir = tempfile::tempdir().expect("temp dir");

    let output = mailroom(dir.path())
        .env("DATABASE_URL", "mysql://root@db/x")
        .arg("migrate")
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("DATABASE_URL must start with postgres://"),
        "{stderr}"
    );
}

#[test]
fn help_explains_every_option_and_its_environment_variable() {
    let output = Command::new(BIN).arg("--help").output().expect("runs");

    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for variable in [
        "DATABASE_URL",
        "REDIS_URL",
        "SMTP_URL",
        "JWT_SECRET",
        "PUBLIC_BASE_URL",
        "BIND",
        "DATA_DIR",
    ] {
        assert!(
            help.contains(&format!("[env: {variable}")),
            "{variable} in --help:\n{help}"
        );
    }
    for command in ["serve", "migrate", "openapi"] {
        assert!(help.contains(command), "{command} in --help");
    }
}

#[test]
fn openapi_prints_the_committed_document() {
    let output = Command::new(BIN).arg("openapi").output().expect("runs");

    assert!(output.status.success());
    let committed = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/openapi.json"),
    )
    .expect("openapi/openapi.json exists");
    assert!(
        String::from_utf8_lossy(&output.stdout) == committed,
        "`mailroom openapi` differs from openapi/openapi.json: run `cargo xtask openapi`"
    );
}

fn run_with_stdin(dir: &Path, args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = mailroom(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("password written");
    child.wait_with_output().expect("finishes")
}

#[tokio::test]
async fn create_manager_takes_the_password_from_stdin_and_the_manager_can_sign_in() {
    let dir = tempfile::tempdir().expect("temp dir");

    let output = run_with_stdin(
        dir.path(),
        &[
            "create-manager",
            "--email",
            "mia@example.org",
            "--full-name",
            "Mia Manager",
        ],
        "correct horse battery\n",
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("created manager mia@example.org"));

    let again = run_with_stdin(
        dir.path(),
        &["create-manager", "--email", "MIA@example.org"],
        "another password 1\n",
    );
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already has an account"));

    let app = start(dir.path());
    let client = reqwest::Client::new();
    let login: serde_json::Value = client
        .post(format!("{}/api/v1/auth/login", app.address))
        .json(&serde_json::json!({"email": "mia@example.org", "password": "correct horse battery"}))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("JSON");
    let token = login["access_token"].as_str().expect("signed in");
    let me: serde_json::Value = client
        .get(format!("{}/api/v1/me", app.address))
        .bearer_auth(token)
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("JSON");
    assert_eq!(me["role"], "manager");
    assert_eq!(me["state"], "active");
}

#[test]
fn create_manager_refuses_a_weak_password_naming_the_rule() {
    let dir = tempfile::tempdir().expect("temp dir");

    let output = run_with_stdin(
        dir.path(),
        &["create-manager", "--email", "mia@example.org"],
        "short\n",
    );

    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("password: a password needs at least 10 characters"),
        "{stderr}"
    );
}

#[test]
fn promote_and_demote_change_the_role_of_an_existing_account() {
    let dir = tempfile::tempdir().expect("temp dir");
    let created = run_with_stdin(
        dir.path(),
        &["create-manager", "--email", "mia@example.org"],
        "correct horse battery\n",
    );
    assert!(created.status.success());

    let demoted = mailroom(dir.path())
        .args(["demote", "--email", "Mia@example.org"])
        .output()
        .expect("runs");
    assert!(demoted.status.success());
    assert_eq!(
        String::from_utf8_lossy(&demoted.stdout),
        "mia@example.org is now a user\n"
    );
    let promoted = mailroom(dir.path())
        .args(["promote", "--email", "mia@example.org"])
        .output()
        .expect("runs");
    assert_eq!(
        String::from_utf8_lossy(&promoted.stdout),
        "mia@example.org is now a manager\n"
    );

    let unknown = mailroom(dir.path())
        .args(["promote", "--email", "nobody@example.org"])
        .output()
        .expect("runs");
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&unknown.stderr)
            .contains("no account has the address nobody@example.org")
    );
}
