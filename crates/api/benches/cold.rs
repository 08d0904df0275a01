//! Cold reads: what a first request after a write costs, for a small owner and a large one in the
//! same database, with the server cache off. Seeds a fresh PostgreSQL database with two owners —
//! 1,000 clients, 10 mailings and 10,000 attempts; 100,000 clients, 1,000 mailings and 1,000,000
//! attempts — starts the release `mailroom serve` with `CACHE_TTL_SECONDS=0`, and times the first
//! page of every list and every statistics endpoint for each, one request at a time. Prints each
//! p50 and the large owner's as a multiple of the small one's (measured in one run, so a noisy
//! machine slows both); asserts nothing.
//!
//!     cargo bench -p mailroom-api --bench cold                 # 200 requests per figure
//!     cargo bench -p mailroom-api --bench cold -- --requests 500
//!
//! `MAILROOM_TEST_POSTGRES_URL` names the server; `MAILROOM_BENCH_KEEP=1` keeps the database.

use std::time::{Duration, Instant};

#[path = "support/server.rs"]
mod server;
mod support;

use diesel::connection::SimpleConnection;
use mailroom_api::auth::JwtKeys;
use mailroom_api::auth::jwt::DEFAULT_ACCESS_TOKEN_TTL;
use secrecy::SecretString;
use server::{SECRET, Server};

/// Owner 1 is small, owner 2 large (a hundred times the clients, mailings and attempts). Client
/// ids: 1–1,000 are owner 1's, 1,001–101,000 owner 2's; mailings 1–10 and 11–1,010 likewise, each
/// with 100 of its owner's clients and, when it started (ids ≢ 0 mod 3), one run. Attempts are
/// spread over the started mailings and 30 days, one in ten a failure.
const SEED: &str = "
CREATE TEMP TABLE t0 AS SELECT timezone('UTC', now()) AS now;
CREATE TEMP TABLE sizes (owner_id BIGINT, clients INT, first_client INT, mailings INT,
                         first_mailing INT, attempts INT);
INSERT INTO sizes VALUES (1, 1000, 1, 10, 1, 10000), (2, 100000, 1001, 1000, 11, 1000000);
INSERT INTO users (id, email, password_hash, full_name, state)
    SELECT i, 'owner' || i || '@example.org', 'x', 'Owner ' || i, 'active'
    FROM generate_series(1, 2) i;
INSERT INTO messages (id, owner_id, subject, body)
    SELECT i, i, 'News ' || i, 'Dear {{full_name}}, our news.' FROM generate_series(1, 2) i;
INSERT INTO clients (id, owner_id, email, full_name, comment, created_at, updated_at)
    SELECT s.first_client + i, s.owner_id,
           'client' || i || '@d' || (i % 50) || '.example.net', 'Client ' || i, 'seeded',
           t0.now - i * interval '1 second', t0.now - i * interval '1 second'
    FROM sizes s, t0, LATERAL generate_series(0, s.clients - 1) i;
INSERT INTO mailings (id, owner_id, name, message_id, starts_at, ends_at, created_at,
                      updated_at)
    SELECT s.first_mailing + m, s.owner_id, 'Mailing ' || (s.first_mailing + m), s.owner_id,
           t0.now + CASE m % 3 WHEN 1 THEN interval '-40 days' WHEN 2 THEN interval '-20 days'
                               ELSE interval '5 days' END,
           t0.now + CASE m % 3 WHEN 1 THEN interval '-10 days' WHEN 2 THEN interval '20 days'
                               ELSE interval '30 days' END,
           t0.now - m * interval '1 minute', t0.now - m * interval '1 minute'
    FROM sizes s, t0, LATERAL generate_series(0, s.mailings - 1) m;
INSERT INTO mailing_clients (mailing_id, client_id)
    SELECT s.first_mailing + m, s.first_client + (m * 100 + j) % s.clients
    FROM sizes s, LATERAL generate_series(0, s.mailings - 1) m, generate_series(0, 99) j;
INSERT INTO runs (id, mailing_id, trigger, total, skipped, created_at, started_at, finished_at,
                  sent, failed, cancelled)
    SELECT s.first_mailing + m, s.first_mailing + m, 'manual', 100, 0,
           t0.now - interval '30 days', t0.now - interval '30 days', t0.now - interval '29 days',
           90, 10, 0
    FROM sizes s, t0, LATERAL generate_series(0, s.mailings - 1) m WHERE m % 3 <> 0;
INSERT INTO attempts (mailing_id, run_id, client_email, attempted_at, status, server_response)
    SELECT id, id, 'client' || g || '@example.net',
           t0.now - (g % 30) * interval '1 day' - (g % 86400) * interval '1 second',
           CASE WHEN g % 10 = 0 THEN 'failure' ELSE 'success' END,
           CASE WHEN g % 10 = 0 THEN '550 5.1.1 no such user' ELSE '250 2.0.0 Ok: queued' END
    FROM sizes s, t0, LATERAL generate_series(1, s.attempts) g,
         LATERAL (SELECT s.first_mailing + 3 * ((g % (2 * (s.mailings / 3))) / 2) + 1 + (g % 2)
                  AS id) started;
SELECT setval(pg_get_serial_sequence('users', 'id'), 2);
SELECT setval(pg_get_serial_sequence('messages', 'id'), 2);
SELECT setval(pg_get_serial_sequence('clients', 'id'), 101000);
SELECT setval(pg_get_serial_sequence('mailings', 'id'), 1010);
SELECT setval(pg_get_serial_sequence('runs', 'id'), 1010);
ANALYZE;
";

/// What one scenario requests of owner 0 (the small one) or 1.
type Path = fn(usize) -> String;

/// A started mailing of each owner (id ≡ 1 mod 3 counting from its first), for the per-mailing
/// endpoints.
const MAILING: [u32; 2] = [2, 12];

fn requests() -> usize {
    let mut args = std::env::args().skip(1);
    let mut requests = 200;
    while let Some(arg) = args.next() {
        if arg == "--requests" {
            requests = args
                .next()
                .and_then(|v| v.parse().ok())
                .expect("--requests N");
        }
    }
    requests
}

fn main() {
    let requests = requests();
    let result = support::on_fresh_database("mailroom_bench_cold", |url| bench(url, requests));
    if result.is_err() {
        std::process::exit(1);
    }
}

/// One GET on a kept-alive connection, read whole; its time.
async fn timed(client: &reqwest::Client, url: &str, token: &str) -> Duration {
    let started = Instant::now();
    let response = client
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .expect("answer");
    let status = response.status();
    let body = response.bytes().await.expect("body");
    let took = started.elapsed();
    assert!(status.is_success(), "{url}: {status} {body:?}");
    took
}

fn p50(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn bench(url: &str, requests: usize) {
    let database = mailroom_api::db::DatabaseUrl::parse(url).expect("URL");
    let pool = mailroom_api::db::connect(&database, 2).expect("connect");
    mailroom_api::db::run_migrations(&mut pool.get().expect("connection")).expect("migrations");
    let mut conn = mailroom_api::db::establish_postgres(url).expect("connect");
    let seeding = Instant::now();
    conn.batch_execute(SEED).expect("seed");
    println!(
        "seeded two owners (1,000 and 100,000 clients; 10 and 1,000 mailings; 10,000 and \
         1,000,000 attempts) in {:.1} s",
        seeding.elapsed().as_secs_f64()
    );
    let keys = JwtKeys::new(&SecretString::from(SECRET), DEFAULT_ACCESS_TOKEN_TTL);
    let tokens: Vec<String> = [1, 2]
        .iter()
        .map(|&id| {
            keys.issue(id, 0, chrono::Utc::now())
                .expect("an access token")
        })
        .collect();
    let server = Server::start(url, &[("CACHE_TTL_SECONDS", "0".into())]);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let client = reqwest::Client::new();
    let time = |url: &str, token: &str| runtime.block_on(timed(&client, url, token));
    let base = format!("http://127.0.0.1:{}/api/v1", server.port);

    let scenarios: Vec<(&str, Path)> = vec![
        ("clients, page 1", |_| "/clients".into()),
        ("clients, search page 1", |_| "/clients?q=d7.example".into()),
        ("mailings, page 1", |_| "/mailings".into()),
        ("messages, page 1", |_| "/messages".into()),
        ("attempts, page 1", |_| "/attempts".into()),
        ("suppressions, page 1", |_| "/suppressions".into()),
        ("tags", |_| "/tags".into()),
        ("a mailing's clients", |o| {
            format!("/mailings/{}/clients", MAILING[o])
        }),
        ("a mailing's runs", |o| {
            format!("/mailings/{}/runs", MAILING[o])
        }),
        ("a mailing's attempts", |o| {
            format!("/mailings/{}/attempts", MAILING[o])
        }),
        ("/stats/me", |_| "/stats/me".into()),
        ("a mailing's statistics", |o| {
            format!("/mailings/{}/stats", MAILING[o])
        }),
        ("/stats/overview", |_| "/stats/overview".into()),
    ];
    println!(
        "\nserver cache off; {requests} requests per figure, one at a time, owners alternating\n"
    );
    println!(
        "{:<24} {:>14} {:>16} {:>8}",
        "endpoint", "1,000: p50", "100,000: p50", "growth"
    );
    let mut worst: (f64, &str) = (0.0, "");
    for (label, path) in &scenarios {
        let urls = [format!("{base}{}", path(0)), format!("{base}{}", path(1))];
        for owner in 0..2 {
            for _ in 0..10 {
                time(&urls[owner], &tokens[owner]);
            }
        }
        let mut times = [Vec::new(), Vec::new()];
        for _ in 0..requests {
            for owner in 0..2 {
                times[owner].push(time(&urls[owner], &tokens[owner]));
            }
        }
        let [small, large] = times.map(p50);
        let growth = large.as_secs_f64() / small.as_secs_f64();
        if growth > worst.0 {
            worst = (growth, label);
        }
        println!(
            "{label:<24} {:>11.2} ms {:>13.2} ms {:>7.1}×",
            ms(small),
            ms(large),
            growth
        );
    }
    println!("\nlargest growth: {:.1}× ({})", worst.0, worst.1);
}
