//! The load benchmark: seeds a realistic data set in a fresh PostgreSQL database (10 users, 100,000
//! clients, 1,000 mailings of 100 clients, 1,000,000 attempts over 30 days), starts the release
//! `mailroom serve` on it with Redis, and drives it with `wrk` at 64 connections: the home overview,
//! `/stats/me`, and the first page of mailings and of clients, with the server cache and without it
//! (`CACHE_TTL_SECONDS=0`). Prints requests per second and latency p50/p99; asserts nothing.
//!
//! `cargo xtask bench-load` installs wrk (from Debian's package, unpacked) and runs it; by hand:
//! `cargo bench -p mailroom-api --bench load -- --wrk PATH [--wrk-libs DIR] [--seconds N]
//! [--connections N]`. `MAILROOM_BENCH_KEEP=1` keeps the database afterwards.

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

#[path = "support/server.rs"]
mod server;
mod support;

use diesel::connection::SimpleConnection;
use mailroom_api::auth::JwtKeys;
use mailroom_api::auth::jwt::DEFAULT_ACCESS_TOKEN_TTL;
use secrecy::SecretString;
use server::{SECRET, Server};

struct Options {
    wrk: PathBuf,
    wrk_libs: Option<PathBuf>,
    seconds: u32,
    connections: u32,
}

fn options() -> Options {
    let mut args = std::env::args().skip(1);
    let mut options = Options {
        wrk: PathBuf::from("wrk"),
        wrk_libs: None,
        seconds: 10,
        connections: 64,
    };
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_default();
        match arg.as_str() {
            "--wrk" => options.wrk = PathBuf::from(value()),
            "--wrk-libs" => options.wrk_libs = Some(PathBuf::from(value())),
            "--seconds" => options.seconds = value().parse().expect("--seconds N"),
            "--connections" => options.connections = value().parse().expect("--connections N"),
            // cargo bench passes --bench; anything else is ignored.
            _ => {}
        }
    }
    options
}

/// The data set. Mailing ids ≡ 1 (mod 3) ended ten days ago, ≡ 2 are running, ≡ 0 start in five
/// days; every started one has one run; attempts are spread over the started ones and 30 days,
/// one in ten a failure.
const SEED: &str = "
CREATE TEMP TABLE t0 AS SELECT timezone('UTC', now()) AS now;
INSERT INTO users (id, email, password_hash, full_name, state)
    SELECT i, 'user' || i || '@example.org', 'x', 'User ' || i, 'active'
    FROM generate_series(1, 10) i;
INSERT INTO messages (id, owner_id, subject, body)
    SELECT i, i, 'News ' || i, 'Dear {{full_name}}, our news.' FROM generate_series(1, 10) i;
INSERT INTO clients (owner_id, email, full_name, comment, created_at, updated_at)
    SELECT 1 + (i % 10), 'client' || i || '@d' || (i % 50) || '.example.net', 'Client ' || i,
           'seeded', t0.now - i * interval '1 second', t0.now - i * interval '1 second'
    FROM generate_series(1, 100000) i, t0;
INSERT INTO mailings (id, owner_id, name, message_id, starts_at, ends_at, created_at, updated_at)
    SELECT m, 1 + (m % 10), 'Mailing ' || m, 1 + (m % 10),
           t0.now + CASE m % 3 WHEN 1 THEN interval '-40 days' WHEN 2 THEN interval '-20 days'
                               ELSE interval '5 days' END,
           t0.now + CASE m % 3 WHEN 1 THEN interval '-10 days' WHEN 2 THEN interval '20 days'
                               ELSE interval '30 days' END,
           t0.now - m * interval '1 minute', t0.now - m * interval '1 minute'
    FROM generate_series(1, 1000) m, t0;
INSERT INTO mailing_clients (mailing_id, client_id)
    SELECT m, 10 * (1 + ((m / 10) * 100 + j) % 9999) + (m % 10)
    FROM generate_series(1, 1000) m, generate_series(0, 99) j;
INSERT INTO runs (id, mailing_id, trigger, total, skipped, created_at, started_at, finished_at,
                  sent, failed, cancelled)
    SELECT m, m, 'manual', 100, 0, t0.now - interval '30 days', t0.now - interval '30 days',
           t0.now - interval '29 days', 90, 10, 0
    FROM generate_series(1, 1000) m, t0 WHERE m % 3 <> 0;
INSERT INTO attempts (mailing_id, run_id, client_email, attempted_at, status, server_response)
    SELECT s.id, s.id, 'client' || g || '@example.net',
           t0.now - (g % 30) * interval '1 day' - (g % 86400) * interval '1 second',
           CASE WHEN g % 10 = 0 THEN 'failure' ELSE 'success' END,
           CASE WHEN g % 10 = 0 THEN '550 5.1.1 no such user' ELSE '250 2.0.0 Ok: queued' END
    FROM generate_series(1, 1000000) g, t0,
         LATERAL (SELECT 1 + 3 * ((g % 666) / 2) + (g % 2) AS id) s;
SELECT setval(pg_get_serial_sequence('users', 'id'), 10);
SELECT setval(pg_get_serial_sequence('messages', 'id'), 10);
SELECT setval(pg_get_serial_sequence('mailings', 'id'), 1000);
SELECT setval(pg_get_serial_sequence('runs', 'id'), 1000);
ANALYZE;
";

fn main() {
    let options = options();
    let redis_url = std::env::var("MAILROOM_TEST_REDIS_URL")
        .unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let prefix = "mailroom_bench_load";
    let name = support::run_name(prefix);
    let result = support::on_fresh_database(prefix, |url| bench(&options, url, &redis_url, &name));
    clear_redis(&redis_url, &name);
    if result.is_err() {
        std::process::exit(1);
    }
}

fn clear_redis(url: &str, prefix: &str) {
    if let Ok(mut conn) = redis::Client::open(url).and_then(|c| c.get_connection()) {
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg(format!("{prefix}:*"))
            .query(&mut conn)
            .unwrap_or_default();
        if !keys.is_empty() {
            let _: redis::RedisResult<()> = redis::cmd("DEL").arg(&keys).query(&mut conn);
        }
    }
}

/// What wrk measured.
struct Figures {
    rps: f64,
    p50: String,
    p99: String,
    errors: String,
    socket_errors: String,
}

fn wrk(options: &Options, url: &str, token: Option<&str>) -> Figures {
    let mut command = Command::new(&options.wrk);
    if let Some(libs) = &options.wrk_libs {
        command.env("LD_LIBRARY_PATH", libs);
    }
    command.args([
        "-t2",
        &format!("-c{}", options.connections),
        &format!("-d{}s", options.seconds),
        "--latency",
    ]);
    if let Some(token) = token {
        command.args(["-H", &format!("Authorization: Bearer {token}")]);
    }
    let output = command
        .arg(url)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", options.wrk.display()));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "wrk failed: {text}");
    let field = |prefix: &str| {
        text.lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix(prefix))
            .map(|v| v.trim().to_owned())
    };
    Figures {
        rps: field("Requests/sec:")
            .and_then(|v| v.parse().ok())
            .unwrap_or(f64::NAN),
        p50: field("50%").unwrap_or_default(),
        p99: field("99%").unwrap_or_default(),
        errors: field("Non-2xx or 3xx responses:").unwrap_or_else(|| "0".into()),
        socket_errors: field("Socket errors:").unwrap_or_else(|| "none".into()),
    }
}

/// One plain HTTP/1.1 GET, read to the end.
fn warm(port: u16, path: &str, token: Option<&str>) {
    use std::io::{Read, Write};
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return;
    };
    let auth = token.map_or_else(String::new, |t| format!("Authorization: Bearer {t}\r\n"));
    let request = format!("GET {path} HTTP/1.1\r\nHost: bench\r\n{auth}Connection: close\r\n\r\n");
    let _ = stream.write_all(request.as_bytes());
    let _ = stream.read_to_end(&mut Vec::new());
}

fn bench(options: &Options, url: &str, redis_url: &str, prefix: &str) {
    let database = mailroom_api::db::DatabaseUrl::parse(url).expect("URL");
    let pool = mailroom_api::db::connect(&database, 2).expect("connect");
    mailroom_api::db::run_migrations(&mut pool.get().expect("connection")).expect("migrations");
    let mut conn = mailroom_api::db::establish_postgres(url).expect("connect");
    let seeding = Instant::now();
    conn.batch_execute(SEED).expect("seed");
    println!(
        "seeded 10 users, 100,000 clients, 1,000 mailings, 1,000,000 attempts in {:.1} s",
        seeding.elapsed().as_secs_f64()
    );
    let token = JwtKeys::new(&SecretString::from(SECRET), DEFAULT_ACCESS_TOKEN_TTL)
        .issue(1, 0, chrono::Utc::now())
        .expect("an access token");
    let scenarios: [(&str, &str, bool); 4] = [
        ("home overview", "/api/v1/stats/overview", false),
        ("my statistics", "/api/v1/stats/me", true),
        ("mailings, page 1", "/api/v1/mailings", true),
        ("clients, page 1", "/api/v1/clients", true),
    ];
    println!(
        "\n{} connections, {} s each, wrk and the server on the same cores\n",
        options.connections, options.seconds
    );
    println!(
        "{:<18} {:<8} {:>12} {:>10} {:>10} {:>8}  socket errors",
        "endpoint", "cache", "requests/s", "p50", "p99", "non-2xx"
    );
    for (cache, ttl) in [("Redis", 60), ("off", 0)] {
        let server = Server::start(
            url,
            &[
                ("DATABASE_POOL_SIZE", "16".into()),
                ("REDIS_URL", redis_url.into()),
                ("CACHE_PREFIX", prefix.into()),
                ("CACHE_TTL_SECONDS", ttl.to_string()),
            ],
        );
        for (label, path, authenticated) in scenarios {
            let address = format!("http://127.0.0.1:{}{path}", server.port);
            let token = authenticated.then_some(token.as_str());
            // One request first: the figures are of a warm cache, as people find it.
            warm(server.port, path, token);
            let figures = wrk(options, &address, token);
            println!(
                "{label:<18} {cache:<8} {:>12.0} {:>10} {:>10} {:>8}  {}",
                figures.rps, figures.p50, figures.p99, figures.errors, figures.socket_errors
            );
        }
    }
}
