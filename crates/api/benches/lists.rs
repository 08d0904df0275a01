//! List speed over a large data set: seeds N clients for one user through the CSV import (one
//! upload), tags them with bulk changes (timed: every client, then a searched eighth), queues a
//! run of a segment mailing reaching all of them (timed: the send request, which evaluates the
//! segment and queues every delivery), then times list requests end to end over HTTP — first and
//! deep pages, every sort, searches and tag filters — and prints p50 / p99 / max per scenario.
//!
//!     cargo bench -p mailroom-api --bench lists                      # SQLite, 100,000 clients
//!     cargo bench -p mailroom-api --bench lists -- --postgres        # PostgreSQL (MAILROOM_TEST_POSTGRES_URL)
//!     cargo bench -p mailroom-api --bench lists -- --clients 20000 --requests 30

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use mailroom_api::auth::admin;
use mailroom_api::cli::{Config, Environment, LogFormat};
use mailroom_api::config::Settings;
use mailroom_api::startup::Application;
use mailroom_domain::Role;
use serde_json::Value;

const PASSWORD: &str = "benchmark password";
const FIRST: [&str; 8] = ["Ann", "Bob", "Cid", "Dora", "Eve", "Finn", "Gail", "Hugo"];
const LAST: [&str; 8] = [
    "Lee", "Stone", "Marsh", "Kowalski", "Ivanova", "Novak", "Garcia", "Smith",
];

struct Args {
    postgres: bool,
    clients: usize,
    requests: usize,
}

fn args() -> Args {
    let mut args = Args {
        postgres: false,
        clients: 100_000,
        requests: 50,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--postgres" => args.postgres = true,
            "--clients" => {
                args.clients = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(args.clients)
            }
            "--requests" => {
                args.requests = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(args.requests)
            }
            _ => {} // cargo bench passes --bench
        }
    }
    args
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let args = args();
    let dir = tempfile::tempdir().expect("temp dir");
    let admin_url = std::env::var("MAILROOM_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let pg_name = format!("mailroom_bench_{}", std::process::id());
    let database_url = if args.postgres {
        let mut admin =
            mailroom_api::db::establish_postgres(&admin_url).expect("PostgreSQL for --postgres");
        admin
            .batch_execute(&format!("CREATE DATABASE {pg_name}"))
            .expect("bench database");
        let (base, _) = admin_url.rsplit_once('/').expect("URL with a database");
        format!("{base}/{pg_name}")
    } else {
        format!("sqlite://{}", dir.path().join("bench.db").display())
    };

    let config = Config {
        data_dir: dir.path().to_owned(),
        database_url: Some(database_url),
        database_pool_size: 8,
        redis_url: None,
        cache_prefix: "mailroom-bench".into(),
        cache_ttl_seconds: 60,
        cache_timeout_ms: 100,
        smtp_url: None,
        mail_from: "Mailroom <bench@example.org>".into(),
        dkim_private_key_file: None,
        dkim_selector: None,
        dkim_domain: None,
        jwt_secret: Some("bench-secret-bench-secret-bench-secret-00".into()),
        access_token_ttl_seconds: 900,
        public_base_url: Some("http://bench.test".into()),
        bind: "127.0.0.1:0".into(),
        spa_dir: Some(dir.path().join("no-spa")),
        environment: Environment::Development,
        log_format: LogFormat::Pretty,
        sending: mailroom_api::cli::SendingConfig {
            no_worker: true,
            ..<mailroom_api::cli::Cli as clap::Parser>::parse_from(["mailroom"])
                .config
                .sending
        },
        webhooks: <mailroom_api::cli::Cli as clap::Parser>::parse_from(["mailroom"])
            .config
            .webhooks,
        bounces: <mailroom_api::cli::Cli as clap::Parser>::parse_from(["mailroom"])
            .config
            .bounces,
        trusted_proxies: Default::default(),
        attempts_retention_days: None,
    };
    let app = Application::build(Settings::from_config(&config).expect("settings"))
        .await
        .expect("app");
    let base = format!("http://127.0.0.1:{}", app.port());
    let pool = app.pool().clone();
    let cache = app.cache().clone();
    tokio::spawn(app.run_until_stopped());

    admin::create_manager(&pool, "bench@example.org", "Bench", PASSWORD, now())
        .await
        .expect("account");
    admin::set_role(&pool, &cache, "bench@example.org", Role::User, now())
        .await
        .expect("user");
    let http = reqwest::Client::new();
    let login: Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": "bench@example.org", "password": PASSWORD}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("JSON");
    let token = login["access_token"].as_str().expect("token").to_owned();

    let mut csv = String::from("email,full_name,comment\n");
    for i in 0..args.clients {
        let name = format!(
            "{} {}",
            FIRST[i % FIRST.len()],
            LAST[(i / FIRST.len()) % LAST.len()]
        );
        csv.push_str(&format!(
            "client{i:07}@example.org,{name} {i},note {}\n",
            i % 97
        ));
    }
    let started = Instant::now();
    let report: Value = http
        .post(format!("{base}/api/v1/clients/import"))
        .bearer_auth(&token)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .expect("import")
        .json()
        .await
        .expect("JSON");
    let import_time = started.elapsed();
    assert_eq!(
        report["created"].as_u64(),
        Some(args.clients as u64),
        "{report}"
    );

    // Bulk tagging: every client, then the eighth a search finds; each one request.
    let mut tagging = Vec::new();
    for (what, body) in [
        (
            "every client +customer",
            serde_json::json!({"filter": {}, "add_tags": ["customer"]}),
        ),
        (
            "q=kowalski +poland (1 in 8)",
            serde_json::json!({"filter": {"q": "kowalski"}, "add_tags": ["poland"]}),
        ),
    ] {
        let started = Instant::now();
        let answer: Value = http
            .post(format!("{base}/api/v1/clients/bulk"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .expect("bulk")
            .json()
            .await
            .expect("JSON");
        let changed = answer["changed"].as_u64().expect("changed");
        tagging.push((what, changed, started.elapsed()));
    }

    // A segment mailing of every client: the send request queues the whole run (no worker runs).
    let message: Value = http
        .post(format!("{base}/api/v1/messages"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"subject": "Bench", "body": "Hello {{full_name}}"}))
        .send()
        .await
        .expect("message")
        .json()
        .await
        .expect("JSON");
    let now = chrono::Utc::now();
    let mailing: Value = http
        .post(format!("{base}/api/v1/mailings"))
        .bearer_auth(&token)
        .json(&serde_json::json!({
            "message_id": message["id"],
            "audience": {"kind": "segment", "tags_all": ["customer"]},
            "starts_at": now + chrono::Duration::days(1),
            "ends_at": now + chrono::Duration::days(2),
        }))
        .send()
        .await
        .expect("mailing")
        .json()
        .await
        .expect("JSON");
    let started = Instant::now();
    let run: Value = http
        .post(format!("{base}/api/v1/mailings/{}/send", mailing["id"]))
        .bearer_auth(&token)
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("JSON");
    let queue_time = started.elapsed();
    let queued = run["total"].as_u64().expect("a run");
    let controls = paused_claims(&http, &base, &token, &pool, &mailing, &run, &message).await;
    // The first read after a write computes the overview again: with a segment of every client,
    // its recipients are evaluated over all of them.
    let mut overview = Vec::new();
    for _ in 0..2 {
        let started = Instant::now();
        let figures: Value = http
            .get(format!("{base}/api/v1/stats/overview"))
            .send()
            .await
            .expect("overview")
            .json()
            .await
            .expect("JSON");
        overview.push((started.elapsed(), figures["unique_recipients"].clone()));
    }

    let per_page = 20;
    let last_page = args.clients.div_ceil(per_page);
    let deep = last_page.saturating_sub(1).max(1);
    let scenarios: Vec<(String, String)> = vec![
        ("first page, newest first".into(), "".into()),
        (
            format!("page {deep} (deep), newest first"),
            format!("?page={deep}"),
        ),
        ("first page, sort=email".into(), "?sort=email".into()),
        (
            format!("page {deep}, sort=email"),
            format!("?sort=email&page={deep}"),
        ),
        (
            format!("page {}, sort=-full_name", last_page / 2),
            format!("?sort=-full_name&page={}", last_page / 2),
        ),
        (
            "first page, sort=updated_at".into(),
            "?sort=updated_at".into(),
        ),
        (
            "search q=kowalski (1 in 8 match)".into(),
            "?q=kowalski".into(),
        ),
        (
            "search q=client0099 (100 match)".into(),
            "?q=client0099".into(),
        ),
        ("search q=nobody (no match)".into(), "?q=nobody".into()),
        ("tags_any=poland (1 in 8)".into(), "?tags_any=poland".into()),
        (
            "tags_all=customer,poland, page 100".into(),
            "?tags_all=customer,poland&page=100".into(),
        ),
        (
            "exclude_tags=poland, sort=email".into(),
            "?exclude_tags=poland&sort=email".into(),
        ),
    ];

    println!(
        "\nlists benchmark: {} on {}, {} clients of one user, {} sequential requests per scenario",
        if args.postgres {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        std::env::consts::ARCH,
        args.clients,
        args.requests
    );
    println!(
        "CSV import of {} rows in one upload: {:.2} s\n",
        args.clients,
        import_time.as_secs_f64()
    );
    for (what, changed, took) in &tagging {
        println!(
            "POST /api/v1/clients/bulk, {what}: {changed} clients tagged in {:.2} s",
            took.as_secs_f64()
        );
    }
    println!(
        "POST /api/v1/mailings/{{id}}/send, segment tags_all=customer: {queued} deliveries queued in {:.2} s",
        queue_time.as_secs_f64()
    );
    println!(
        "POST …/runs/{{id}}/pause of that run: {:.2} s; then a claim of another run's 10 due \
         deliveries: p50 {:.1} ms, max {:.1} ms ({} claims); resume: {:.2} s",
        controls.pause.as_secs_f64(),
        ms(controls.claim_p50),
        ms(controls.claim_max),
        CLAIMS,
        controls.resume.as_secs_f64()
    );
    println!(
        "GET /api/v1/stats/overview after a write: {:.1} ms ({} unique recipients), then cached: {:.1} ms",
        ms(overview[0].0),
        overview[0].1,
        ms(overview[1].0)
    );
    println!();
    println!(
        "{:<40} {:>9} {:>9} {:>9}",
        "GET /api/v1/clients…", "p50 ms", "p99 ms", "max ms"
    );
    let mut worst_p99 = Duration::ZERO;
    for (name, query) in &scenarios {
        let url = format!("{base}/api/v1/clients{query}");
        // One warm-up request, not counted.
        http.get(&url)
            .bearer_auth(&token)
            .send()
            .await
            .expect("warm-up");
        let mut times = Vec::with_capacity(args.requests);
        for _ in 0..args.requests {
            let started = Instant::now();
            let response = http
                .get(&url)
                .bearer_auth(&token)
                .send()
                .await
                .expect("request");
            assert_eq!(response.status().as_u16(), 200, "{url}");
            let _ = response.bytes().await.expect("body");
            times.push(started.elapsed());
        }
        times.sort();
        let p99 = percentile(&times, 0.99);
        worst_p99 = worst_p99.max(p99);
        println!(
            "{name:<40} {:>9.1} {:>9.1} {:>9.1}",
            ms(percentile(&times, 0.5)),
            ms(p99),
            ms(times[times.len() - 1])
        );
    }
    println!("\nworst p99: {:.1} ms (goal: under 50 ms)", ms(worst_p99));

    drop(pool);
    if args.postgres
        && let Ok(mut admin) = mailroom_api::db::establish_postgres(&admin_url)
    {
        let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)"));
    }
}

/// Claims timed while a big run is paused.
const CLAIMS: usize = 20;

struct Controls {
    pause: Duration,
    claim_p50: Duration,
    claim_max: Duration,
    resume: Duration,
}

async fn post(http: &reqwest::Client, url: String, token: &str, body: Value) -> Value {
    let response = http
        .post(url)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("request");
    assert!(response.status().is_success(), "{}", response.status());
    response.json().await.expect("JSON")
}

/// Pauses the big run (timed), then times claims of a small run queued after it, as a worker
/// makes them: a paused run's deliveries must not be read past by each claim. Resumes (timed).
async fn paused_claims(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    pool: &mailroom_api::db::DbPool,
    mailing: &Value,
    run: &Value,
    message: &Value,
) -> Controls {
    use mailroom_api::db::queries::deliveries::{self, Claim};
    let run_url = format!(
        "{base}/api/v1/mailings/{}/runs/{}",
        mailing["id"], run["id"]
    );
    let started = Instant::now();
    post(
        http,
        format!("{run_url}/pause"),
        token,
        serde_json::json!({}),
    )
    .await;
    let pause = started.elapsed();

    let first: Value = http
        .get(format!("{base}/api/v1/clients?per_page=10"))
        .bearer_auth(token)
        .send()
        .await
        .expect("clients")
        .json()
        .await
        .expect("JSON");
    let ids: Vec<Value> = first["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| c["id"].clone())
        .collect();
    let now = chrono::Utc::now();
    let small = post(
        http,
        format!("{base}/api/v1/mailings"),
        token,
        serde_json::json!({
            "message_id": message["id"],
            "client_ids": ids,
            "starts_at": now - chrono::Duration::hours(1),
            "ends_at": now + chrono::Duration::days(2),
        }),
    )
    .await;
    post(
        http,
        format!("{base}/api/v1/mailings/{}/send", small["id"]),
        token,
        serde_json::json!({}),
    )
    .await;

    let mut times = Vec::with_capacity(CLAIMS);
    let mut conn = pool.get().expect("connection");
    for lease in 0..CLAIMS as i64 {
        let now = self::now();
        let started = Instant::now();
        let claimed = deliveries::claim(
            &mut conn,
            Claim {
                now,
                lease_until: now + chrono::Duration::minutes(1),
                lease: 9_000 + lease,
                limit: 10,
                only_run: None,
            },
        )
        .expect("claim");
        times.push(started.elapsed());
        assert_eq!(
            claimed.len(),
            10,
            "the small run's deliveries, none of the paused one's"
        );
        let ids: Vec<i64> = claimed.iter().map(|d| d.id).collect();
        deliveries::release(&mut conn, 9_000 + lease, &ids).expect("released");
    }
    drop(conn);
    times.sort();

    let started = Instant::now();
    post(
        http,
        format!("{run_url}/resume"),
        token,
        serde_json::json!({}),
    )
    .await;
    Controls {
        pause,
        claim_p50: percentile(&times, 0.5),
        claim_max: times[times.len() - 1],
        resume: started.elapsed(),
    }
}

fn now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}
