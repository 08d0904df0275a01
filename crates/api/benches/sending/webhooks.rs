//! The webhook side of the sending benchmark: a receiver answering 204 to every call, and a job
//! runner like a worker's sending the outbox to it, both on a thread of their own.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use actix_web::{App, HttpResponse, HttpServer, web};
use mailroom_api::clock::{Clock, SystemClock};

#[derive(Default)]
struct Counts {
    calls: AtomicU64,
    attempts: AtomicU64,
}

pub struct Hooks {
    counts: Arc<Counts>,
    stop: tokio_util::sync::CancellationToken,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// What the receiver got.
pub struct Drained {
    pub calls: u64,
    pub attempts: u64,
    /// From the end of the sending to the last attempt told.
    pub after: Duration,
}

async fn take(body: web::Bytes, counts: web::Data<Arc<Counts>>) -> HttpResponse {
    // Counted, not parsed: a receiver elsewhere would parse it, on its own machine.
    let told = std::str::from_utf8(&body)
        .map(|text| text.matches("\"delivery_id\":").count())
        .unwrap_or(0);
    counts.calls.fetch_add(1, Ordering::Relaxed);
    counts.attempts.fetch_add(told as u64, Ordering::Relaxed);
    HttpResponse::NoContent().finish()
}

impl Hooks {
    /// An address for a receiver to start at later.
    pub fn free_url() -> String {
        format!("http://127.0.0.1:{}/hooks", crate::support::free_port())
    }

    pub fn start_at(database_url: &str, url: &str) -> Self {
        let counts = Arc::new(Counts::default());
        let port: u16 = url
            .trim_start_matches("http://127.0.0.1:")
            .trim_end_matches("/hooks")
            .parse()
            .expect("a port");
        let stop = tokio_util::sync::CancellationToken::new();
        let (database_url, shared, stopping) =
            (database_url.to_owned(), counts.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async move {
                let data = web::Data::new(shared);
                let server = HttpServer::new(move || {
                    App::new()
                        .app_data(data.clone())
                        .default_service(web::to(take))
                })
                .workers(1)
                .bind(("127.0.0.1", port))
                .expect("the receiver binds")
                .disable_signals()
                .run();
                let handle = server.handle();
                tokio::spawn(server);
                let data_dir = tempfile::tempdir().expect("temp dir");
                let dir = data_dir.path().to_string_lossy().into_owned();
                let cli: mailroom_api::cli::Cli = clap::Parser::try_parse_from([
                    "mailroom",
                    "--data-dir",
                    dir.as_str(),
                    "--database-url",
                    database_url.as_str(),
                    "--jwt-secret",
                    "bench-secret-bench-secret-bench-secret-00",
                    "--webhook-allow-private",
                ])
                .expect("worker arguments");
                let settings =
                    mailroom_api::config::Settings::from_config(&cli.config).expect("settings");
                let pool = mailroom_api::startup::open_database(&settings)
                    .await
                    .expect("the database");
                let (_, cache) = mailroom_api::startup::open_cache(&settings).expect("a cache");
                let transport =
                    mailroom_api::startup::open_transport(&settings).expect("a transport");
                let clock: Arc<dyn Clock> = Arc::new(SystemClock);
                let jobs =
                    mailroom_api::startup::build_jobs(&settings, pool, cache, clock, transport)
                        .expect("the jobs");
                jobs.run(stopping).await;
                handle.stop(true).await;
            });
        });
        Self {
            counts,
            stop,
            thread: Some(thread),
        }
    }

    /// Waits (at most `limit`) until `expected` attempts were told, then stops.
    pub fn drain(mut self, expected: i64, limit: Duration) -> Drained {
        let started = Instant::now();
        let expected = u64::try_from(expected).unwrap_or_default();
        let mut last_change = started;
        let mut seen = 0;
        while started.elapsed() < limit {
            let now = self.counts.attempts.load(Ordering::Relaxed);
            if now != seen {
                seen = now;
                last_change = Instant::now();
            }
            if now >= expected {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.stop.cancel();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        Drained {
            calls: self.counts.calls.load(Ordering::Relaxed),
            attempts: self.counts.attempts.load(Ordering::Relaxed),
            after: last_change - started,
        }
    }
}
