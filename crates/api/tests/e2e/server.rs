//! The application as people run it by default: SQLite, the built web app, mail to an outbox.

use std::path::{Path, PathBuf};

use mailroom_api::cache::Cache;
use mailroom_api::cli::Cli;
use mailroom_api::config::Settings;
use mailroom_api::db::DbPool;
use mailroom_api::startup::Application;
use mailroom_domain::Role;
use serde_json::{Value, json};
use tempfile::TempDir;

pub const PASSWORD: &str = "correct horse battery staple";

pub struct Server {
    pub base: String,
    pub pool: DbPool,
    pub cache: Cache,
    pub http: reqwest::Client,
    _dir: TempDir,
}

fn spa_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../frontend/dist")
}

/// How a test's server differs from the embedded default.
#[derive(Default)]
pub struct Options<'a> {
    /// Deliver through this SMTP server (links then name `http://mailroom.test`), with the
    /// sending worker running; otherwise mail goes to the outbox folder and nothing sends.
    pub smtp_url: Option<&'a str>,
    /// How long access tokens live, when not the default 15 minutes.
    pub access_token_ttl_seconds: Option<u64>,
    /// Webhook endpoints may lead to loopback (where a test's receiver listens).
    pub webhook_allow_private: bool,
    /// Without `smtp_url`, no background jobs run either (webhook calls then wait, as they do
    /// for a worker); otherwise they run as a worker beside the API would run them.
    pub no_jobs: bool,
}

impl Server {
    pub async fn start() -> Self {
        Self::start_with(Options::default()).await
    }

    pub async fn start_with(options: Options<'_>) -> Self {
        assert!(
            spa_dir().join("index.html").is_file(),
            "the web app is not built (frontend/dist): `cargo xtask spa` builds it, \
             `cargo xtask test` does so first"
        );
        let dir = tempfile::tempdir().expect("temp dir");
        let data_dir = dir.path().to_string_lossy().into_owned();
        let spa = spa_dir().to_string_lossy().into_owned();
        let mut args = vec![
            "mailroom",
            "--data-dir",
            data_dir.as_str(),
            "--bind",
            "127.0.0.1:0",
            "--spa-dir",
            spa.as_str(),
        ];
        let ttl = options.access_token_ttl_seconds.map(|s| s.to_string());
        if let Some(ttl) = &ttl {
            args.extend(["--access-token-ttl-seconds", ttl.as_str()]);
        }
        if options.webhook_allow_private {
            args.push("--webhook-allow-private");
        }
        match options.smtp_url {
            Some(url) => args.extend([
                "--smtp-url",
                url,
                "--public-base-url",
                "http://mailroom.test",
            ]),
            None => args.push("--no-worker"),
        }
        let cli: Cli = clap::Parser::try_parse_from(args).expect("test arguments");
        let settings = Settings::from_config(&cli.config).expect("settings");
        let app = Application::build(settings.clone())
            .await
            .expect("the app starts");
        let base = format!("http://127.0.0.1:{}", app.port());
        let pool = app.pool().clone();
        let cache = app.cache().clone();
        tokio::spawn(app.run_until_stopped());
        if !settings.sending.in_process && !options.no_jobs {
            // Without a sender, the background jobs still run, as a `mailroom worker` beside the
            // API would run them: account mail goes out through them.
            let transport = mailroom_api::startup::open_transport(&settings).expect("the outbox");
            let jobs = mailroom_api::startup::build_jobs(
                &settings,
                pool.clone(),
                cache.clone(),
                std::sync::Arc::new(mailroom_api::clock::SystemClock),
                transport,
            )
            .expect("the jobs");
            tokio::spawn(jobs.run(tokio_util::sync::CancellationToken::new()));
        }
        Self {
            base,
            pool,
            cache,
            // The server closes a connection idle for 5 s (actix's keep-alive); one reused just
            // then fails as an incomplete message. A browser step often waits that long between
            // two requests of a test, so idle connections are not kept past 2 s.
            http: reqwest::Client::builder()
                .pool_idle_timeout(std::time::Duration::from_secs(2))
                .build()
                .expect("HTTP client"),
            _dir: dir,
        }
    }

    /// The confirmation or reset link in the newest mail to `to` in the outbox, as a path of the app
    /// (the mail names the public address, which is not where this test server listens).
    pub async fn link_in_mail_to(&self, to: &str, path: &str) -> String {
        let outbox = self._dir.path().join("outbox");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let mut mails: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(&outbox)
                .into_iter()
                .flatten()
                .flatten()
                .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
                .collect();
            mails.sort();
            for (_, file) in mails.iter().rev() {
                let raw = std::fs::read(file).expect("a mail");
                let mail = mailparse::parse_mail(&raw).expect("a parsable mail");
                let addressed = mail.headers.iter().any(|h| {
                    h.get_key_ref().eq_ignore_ascii_case("to") && h.get_value().contains(to)
                });
                let text = std::iter::once(&mail)
                    .chain(mail.subparts.iter())
                    .filter_map(|part| part.get_body().ok())
                    .collect::<String>();
                if let (true, Some(at)) = (addressed, text.find(path)) {
                    let link: String = text[at..]
                        .chars()
                        .take_while(|c| !c.is_whitespace() && *c != '"' && *c != '<')
                        .collect();
                    return link;
                }
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no mail to {to} with a {path} link in {}",
                outbox.display()
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }

    /// A confirmed manager account and its access token.
    pub async fn account(&self, email: &str) -> String {
        mailroom_api::auth::admin::create_manager(
            &self.pool,
            email,
            "Ann Lee",
            PASSWORD,
            chrono::Utc::now().naive_utc(),
        )
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

    /// A confirmed account with the plain user role, and its access token.
    pub async fn user_account(&self, email: &str) -> String {
        let token = self.account(email).await;
        mailroom_api::auth::admin::set_role(
            &self.pool,
            &self.cache,
            email,
            Role::User,
            chrono::Utc::now().naive_utc(),
        )
        .await
        .expect("a plain user");
        token
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
