//! The application as people run it by default: SQLite, the built web app, mail to an outbox.

use std::path::{Path, PathBuf};

use mailroom_api::cli::Cli;
use mailroom_api::config::Settings;
use mailroom_api::db::DbPool;
use mailroom_api::startup::Application;
use serde_json::{Value, json};
use tempfile::TempDir;

pub const PASSWORD: &str = "correct horse battery staple";

pub struct Server {
    pub base: String,
    pub pool: DbPool,
    pub http: reqwest::Client,
    _dir: TempDir,
}

fn spa_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../frontend/dist")
}

impl Server {
    pub async fn start() -> Self {
        assert!(
            spa_dir().join("index.html").is_file(),
            "the web app is not built (frontend/dist): `cargo xtask spa` builds it, \
             `cargo xtask test` does so first"
        );
        let dir = tempfile::tempdir().expect("temp dir");
        let data_dir = dir.path().to_string_lossy().into_owned();
        let spa = spa_dir().to_string_lossy().into_owned();
        let cli: Cli = clap::Parser::try_parse_from([
            "mailroom",
            "--data-dir",
            &data_dir,
            "--bind",
            "127.0.0.1:0",
            "--spa-dir",
            &spa,
            "--no-worker",
        ])
        .expect("test arguments");
        let settings = Settings::from_config(&cli.config).expect("settings");
        let app = Application::build(settings).await.expect("the app starts");
        let base = format!("http://127.0.0.1:{}", app.port());
        let pool = app.pool().clone();
        tokio::spawn(app.run_until_stopped());
        Self {
            base,
            pool,
            http: reqwest::Client::new(),
            _dir: dir,
        }
    }

    /// A confirmed account and its access token.
    pub async fn account(&self, email: &str) -> String {
        mailroom_api::auth::admin::create_manager(&self.pool, email, "Ann Lee", PASSWORD)
            .await
            .expect("account");
        let login: Value = self
            .http
            .post(format!("{}/api/v1/auth/login", self.base))
            .json(&json!({"email": email, "password": PASSWORD}))
            .send()
            .await
            .expect("login")
            .json()
            .await
            .expect("JSON");
        login["access_token"]
            .as_str()
            .expect("an access token")
            .to_owned()
    }

    /// POSTs JSON as `token` and returns the created row's id.
    pub async fn create(&self, token: &str, path: &str, body: Value) -> i64 {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status().as_u16(), 201, "POST {path}");
        let created: Value = response.json().await.expect("JSON");
        created["id"].as_i64().expect("an id")
    }
}
