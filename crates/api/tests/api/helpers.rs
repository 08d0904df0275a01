use std::path::{Path, PathBuf};

use diesel::connection::SimpleConnection;
use std::sync::Arc;

use mailroom_api::cache::Cache;
use mailroom_api::cli::{
    BounceConfig, Config, Environment, LogFormat, SendingConfig, WebhookConfig,
};
use mailroom_api::clock::{Clock, ManualClock, SystemClock};
use mailroom_api::config::Settings;
use mailroom_api::db::{self, Backend, DatabaseUrl, DbPool};
use mailroom_api::sending::{self, Worker};
use mailroom_api::startup::Application;
use tempfile::TempDir;

use crate::smtp::SmtpServer;

pub const TEST_JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123";

/// Which backend this run of the suite tests.
pub fn backend() -> Backend {
    match std::env::var("MAILROOM_TEST_DB").as_deref() {
        Ok("postgres") => Backend::Postgres,
        Ok("sqlite") | Err(_) => Backend::Sqlite,
        Ok(other) => panic!("MAILROOM_TEST_DB must be sqlite or postgres, not {other}"),
    }
}

/// The Redis the tests may use; each test keeps to its own key prefix.
pub fn redis_url() -> String {
    std::env::var("MAILROOM_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

fn postgres_admin_url() -> String {
    std::env::var("MAILROOM_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A database of the tested backend that exists for one test and is dropped after it.
pub struct TestDatabase {
    url: DatabaseUrl,
    postgres_name: Option<String>,
    _dir: TempDir,
}

impl TestDatabase {
    pub fn create() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        match backend() {
            Backend::Sqlite => Self {
                url: DatabaseUrl::sqlite_file(&dir.path().join("test.db")),
                postgres_name: None,
                _dir: dir,
            },
            Backend::Postgres => {
                let admin_url = postgres_admin_url();
                let name = format!("mailroom_test_{}", uuid::Uuid::new_v4().simple());
                let mut admin =
                    mailroom_api::db::establish_postgres(&admin_url).unwrap_or_else(|e| {
                        panic!(
                            "PostgreSQL at {admin_url} is needed for MAILROOM_TEST_DB=postgres: {e}"
                        )
                    });
                admin
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("create the test database");
                let (base, _) = admin_url.rsplit_once('/').expect("URL with a database");
                Self {
                    url: DatabaseUrl::parse(&format!("{base}/{name}")).expect("valid URL"),
                    postgres_name: Some(name),
                    _dir: dir,
                }
            }
        }
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// A pool on this database with every migration applied.
    pub fn migrated_pool(&self) -> DbPool {
        let pool = db::connect(&self.url, 4).expect("connect to the test database");
        db::run_migrations(&mut pool.get().expect("a connection")).expect("migrations apply");
        pool
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some(name) = &self.postgres_name
            && let Ok(mut admin) = mailroom_api::db::establish_postgres(&postgres_admin_url())
        {
            // FORCE: the application's pool may still hold connections.
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub pool: DbPool,
    pub smtp: Option<SmtpServer>,
    pub settings: Settings,
    /// The clock a sending app reads, moved by hand (other apps read the system's).
    pub clock: Arc<ManualClock>,
    /// The clock the app reads: `clock` for a sending app, the system's otherwise.
    pub app_clock: Arc<dyn Clock>,
    /// Whether the app reads `clock`, which the test moves.
    pub moves_its_clock: bool,
    /// The app's server cache (Redis on PostgreSQL runs, memory on SQLite runs).
    pub cache: Cache,
    /// Where the app's bounce listener listens, when it was given `BOUNCE_SMTP_BIND`.
    pub bounce_port: Option<u16>,
    _data_dir: TempDir,
    // Last: dropped after the pool's users are done with it.
    _db: TestDatabase,
}

/// The settings a test app starts from: every field set, nothing read from the environment.
pub fn test_config(data_dir: &Path, db: &TestDatabase, spa_dir: PathBuf) -> Config {
    Config {
        data_dir: data_dir.to_owned(),
        database_url: Some(db.url().expose().to_owned()),
        database_pool_size: 4,
        // PostgreSQL runs are the production setup: real Redis, under a prefix of the test's own.
        redis_url: (backend() == Backend::Postgres).then(redis_url),
        cache_prefix: format!("mailroom-test-{}", uuid::Uuid::new_v4().simple()),
        cache_ttl_seconds: 60,
        cache_timeout_ms: 100,
        smtp_url: None,
        mail_from: "Mailroom <mailroom@example.org>".into(),
        dkim_private_key_file: None,
        dkim_selector: None,
        dkim_domain: None,
        jwt_secret: Some(TEST_JWT_SECRET.into()),
        access_token_ttl_seconds: 900,
        public_base_url: Some("http://mailroom.test".into()),
        bind: "127.0.0.1:0".into(),
        spa_dir: Some(spa_dir),
        environment: Environment::Development,
        log_format: LogFormat::Pretty,
        sending: SendingConfig {
            smtp_pool_size: 4,
            send_rate: 0,
            send_per_domain: 20,
            send_concurrency: 50,
            send_batch: 100,
            send_max_attempts: 3,
            send_retry_base_secs: 60,
            send_retry_max_secs: 3600,
            send_lease_secs: 60,
            no_worker: false,
        },
        bounces: BounceConfig {
            bounce_address: None,
            bounce_soft_limit: 3,
            bounce_smtp_bind: None,
        },
        webhooks: WebhookConfig {
            webhook_allow_private: false,
            webhook_retry_base_secs: 5,
        },
        trusted_proxies: Default::default(),
        attempts_retention_days: None,
    }
}

/// A built web app for the tests that serve it: an index page and one asset.
pub fn write_spa_fixture(dir: &Path) {
    std::fs::create_dir_all(dir).expect("spa dir");
    std::fs::write(
        dir.join("index.html"),
        "<!doctype html><html><head><title>Mailroom</title></head><body></body></html>",
    )
    .expect("index.html");
    std::fs::write(dir.join("app-3f2a.js"), "console.log('mailroom');").expect("asset");
    std::fs::write(dir.join("app-0123456789abcdef.js"), "console.log('built');")
        .expect("fingerprinted asset");
    std::fs::write(dir.join(".hidden"), "not for the web").expect("hidden file");
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// An app whose mail goes to a real SMTP server on loopback, for the tests that read it.
pub async fn spawn_app_with_smtp() -> TestApp {
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let mut app = spawn_app_with(|c| c.smtp_url = Some(url)).await;
    app.smtp = Some(smtp);
    app
}

/// Starts the application on a free port, letting the test adjust its settings first.
pub async fn spawn_app_with(customize: impl FnOnce(&mut Config)) -> TestApp {
    start(customize, false).await
}

/// An app for the sending tests: mail to a real SMTP server on loopback, no worker of its own
/// (the test runs workers when it wants, with `drain`), and a clock the test moves.
pub async fn spawn_sending_app() -> TestApp {
    spawn_sending_app_with(|_| {}).await
}

pub async fn spawn_sending_app_with(customize: impl FnOnce(&mut Config)) -> TestApp {
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let mut app = start(
        |c| {
            c.smtp_url = Some(url);
            c.sending.no_worker = true;
            customize(c);
        },
        true,
    )
    .await;
    app.smtp = Some(smtp);
    app
}

async fn start(customize: impl FnOnce(&mut Config), manual_clock: bool) -> TestApp {
    if std::env::var_os("TEST_LOG").is_some() {
        mailroom_api::telemetry::init(LogFormat::Pretty);
    }
    let db = TestDatabase::create();
    let data_dir = tempfile::tempdir().expect("temp dir");
    let spa_dir = data_dir.path().join("spa");
    write_spa_fixture(&spa_dir);
    let mut config = test_config(data_dir.path(), &db, spa_dir);
    customize(&mut config);
    let settings = Settings::from_config(&config).expect("valid test settings");
    let clock = Arc::new(ManualClock::new(chrono::Utc::now().naive_utc()));
    let app_clock: Arc<dyn Clock> = if manual_clock {
        clock.clone()
    } else {
        Arc::new(SystemClock)
    };
    let app = Application::build_with_clock(settings.clone(), app_clock.clone())
        .await
        .expect("the app starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let bounce_port = app.bounce_port();
    let pool = app.pool().clone();
    let cache = app.cache().clone();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("HTTP client");
    TestApp {
        address,
        client,
        pool,
        smtp: None,
        settings,
        clock,
        app_clock,
        moves_its_clock: manual_clock,
        cache,
        bounce_port,
        _data_dir: data_dir,
        _db: db,
    }
}

impl TestApp {
    /// A worker like the app's own, on the app's database and clock.
    pub fn worker(&self) -> Worker {
        let transport =
            mailroom_api::startup::open_transport(&self.settings).expect("a mail transport");
        mailroom_api::startup::build_worker(
            &self.settings,
            transport,
            self.pool.clone(),
            self.cache.clone(),
            self.clock.clone(),
        )
    }

    /// A runner of the background jobs like a worker's, on the app's database and clock.
    pub fn jobs(&self) -> mailroom_api::jobs::Runner<mailroom_api::startup::JobContext> {
        self.jobs_with(&self.settings)
    }

    /// As `jobs`, under other settings (a worker configured unlike the API).
    pub fn jobs_with(
        &self,
        settings: &Settings,
    ) -> mailroom_api::jobs::Runner<mailroom_api::startup::JobContext> {
        let transport = mailroom_api::startup::open_transport(settings).expect("a mail transport");
        mailroom_api::startup::build_jobs(
            settings,
            self.pool.clone(),
            self.cache.clone(),
            self.clock.clone(),
            transport,
        )
        .expect("the jobs' context")
    }

    /// Another server with this app's settings: the same database, Redis and key prefix, as a
    /// second API process behind the same proxy would be. Its base address.
    pub async fn another_server(&self) -> String {
        let app = Application::build_with_clock(self.settings.clone(), self.app_clock.clone())
            .await
            .expect("the second server starts");
        let address = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run_until_stopped());
        address
    }

    /// Runs the background jobs due at the clock's time; how many ran.
    pub async fn run_jobs(&self) -> usize {
        self.jobs().run_due().await.expect("the jobs run")
    }

    /// Sends everything due at the clock's time, and returns when nothing is left to send now.
    pub async fn drain(&self) {
        self.worker()
            .drain(None, tokio_util::sync::CancellationToken::new())
            .await
            .expect("the worker drains");
    }

    /// One scheduler tick at the clock's time.
    pub async fn tick(&self) -> sending::scheduler::Tick {
        sending::scheduler::tick(&self.pool, &self.cache, self.clock.now())
            .await
            .expect("the scheduler ticks")
    }

    /// Deletes this test's cache keys from Redis (a no-op in memory). Straight from the shared
    /// Redis, even when the app reached it through a test's relay: the relay runs on the test's
    /// runtime, which this blocking call holds.
    fn clear_cache(&self) {
        if self.settings.redis_url().is_none() {
            return;
        }
        let prefix = &self.settings.cache.prefix;
        let timeout = std::time::Duration::from_secs(2);
        let connection = redis::Client::open(redis_url())
            .and_then(|c| c.get_connection_with_timeout(timeout))
            .and_then(|c| c.set_read_timeout(Some(timeout)).map(|()| c));
        if let Ok(mut conn) = connection {
            let keys: Vec<String> = redis::cmd("KEYS")
                .arg(format!("{prefix}:*"))
                .query(&mut conn)
                .unwrap_or_default();
            if !keys.is_empty() {
                let _: redis::RedisResult<()> = redis::cmd("DEL").arg(&keys).query(&mut conn);
            }
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.clear_cache();
    }
}

/// The body of a problem+json response, after checking its content type and status member.
pub async fn problem(response: reqwest::Response, status: u16) -> serde_json::Value {
    assert_eq!(response.status().as_u16(), status, "unexpected status");
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body: serde_json::Value = response.json().await.expect("a JSON body");
    assert_eq!(body["status"], status, "the status member matches: {body}");
    for member in ["type", "title", "detail"] {
        assert!(body[member].is_string(), "problem has a {member}: {body}");
    }
    body
}
