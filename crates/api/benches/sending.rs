//! The sending benchmark: seeds N clients (default 100,000) in a fresh PostgreSQL database, runs
//! `mailroom send` (the release binary) to Postfix's `smtp-sink` on loopback, and prints messages per
//! second, the SMTP latency p50/p99 and the sending process's peak RSS. It prints figures and
//! asserts nothing.
//!
//! It sends twice in one run, each time on a fresh database seeded alike: once plain, then with a
//! webhook endpoint subscribed to `attempt.succeeded` and `attempt.failed`, whose calls a
//! receiver in this process takes while this process's job runner (a worker's, on the same
//! database) sends them; and it prints the second rate as a share of the first.
//!
//! It also prints the CPU time PostgreSQL and the sink used, and the WAL written, per message: the
//! machine's two cores are shared, so these say where the time goes.
//!
//! `cargo xtask bench-send` installs the sink and runs it; by hand:
//! `cargo bench -p mailroom-api --bench sending -- [--clients N] [--connections N] [--concurrency N]
//! [--batch N] [--sink PATH/TO/smtp-sink]`. For experiments, `MAILROOM_BENCH_SQL` is run on the
//! seeded database before sending (a schema change to try, say) and `MAILROOM_BENCH_KEEP=1` keeps
//! the database afterwards.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod support;
#[path = "sending/webhooks.rs"]
mod webhooks;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Nullable};

const BIN: &str = env!("CARGO_BIN_EXE_mailroom");

struct Options {
    clients: u64,
    sink: PathBuf,
    connections: u32,
    concurrency: u32,
    batch: u32,
}

fn options() -> Options {
    let mut args = std::env::args().skip(1);
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    let mut options = Options {
        clients: 100_000,
        sink: std::env::var_os("MAILROOM_SMTP_SINK")
            .map(PathBuf::from)
            .unwrap_or_else(|| home.join(".cache/mailroom/tools/postfix/usr/sbin/smtp-sink")),
        connections: 16,
        concurrency: 400,
        batch: 500,
    };
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_default();
        match arg.as_str() {
            "--clients" => options.clients = value().parse().expect("--clients N"),
            "--sink" => options.sink = PathBuf::from(value()),
            "--connections" => options.connections = value().parse().expect("--connections N"),
            "--concurrency" => options.concurrency = value().parse().expect("--concurrency N"),
            "--batch" => options.batch = value().parse().expect("--batch N"),
            // cargo bench passes --bench; anything else is ignored.
            _ => {}
        }
    }
    options
}

/// The CPU time a process has used so far (user + system), in clock ticks of 1/100 s.
fn cpu_ticks(pid: u32) -> Option<u64> {
    stat_fields(pid, &[11, 12])
}

/// The CPU time all PostgreSQL processes on this machine have used so far, in clock ticks.
fn postgres_ticks() -> u64 {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|c| c.trim() == "postgres")
        })
        .filter_map(|pid| {
            // The postmaster's children's time covers the backends that have exited already.
            let waited = stat_fields(pid, &[13, 14])?;
            Some(cpu_ticks(pid)? + waited)
        })
        .sum()
}

/// The sum of some numeric fields of /proc/PID/stat, counted after the command name.
fn stat_fields(pid: u32, fields: &[usize]) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may hold spaces.
    let rest = stat.rsplit_once(')')?.1;
    let values: Vec<&str> = rest.split_whitespace().collect();
    fields
        .iter()
        .map(|&i| values.get(i)?.parse::<u64>().ok())
        .sum()
}

/// Where PostgreSQL's write-ahead log is, in bytes.
fn wal_position(conn: &mut PgConnection) -> f64 {
    #[derive(QueryableByName)]
    struct Position {
        #[diesel(sql_type = Double)]
        bytes: f64,
    }
    diesel::sql_query("SELECT (pg_current_wal_lsn() - '0/0')::float8 AS bytes")
        .get_result::<Position>(conn)
        .map(|p| p.bytes)
        .unwrap_or(f64::NAN)
}

/// The peak resident set of a process, in kB, while it runs.
fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

#[derive(QueryableByName)]
struct RunTimes {
    #[diesel(sql_type = BigInt)]
    sent: i64,
    #[diesel(sql_type = Nullable<Double>)]
    seconds: Option<f64>,
}

fn main() {
    let options = options();
    if !options.sink.is_file() {
        eprintln!(
            "smtp-sink not found at {}: `cargo xtask bench-send` installs it (from Debian's postfix \
             package) and runs this benchmark",
            options.sink.display()
        );
        std::process::exit(2);
    }
    // Each pass on a database of its own, seeded alike: a second pass on the first one's tables
    // is slower for their size alone (measured here: 83 % of the first, with no endpoint).
    let mut passes = Vec::new();
    for hooked in [false, true] {
        println!(
            "\n{}:",
            if hooked {
                "with an endpoint subscribed to attempt.succeeded and attempt.failed"
            } else {
                "without webhooks"
            }
        );
        let out = std::sync::Mutex::new(None);
        let result = support::on_fresh_database("mailroom_bench_send", |url| {
            let done = pass(&options, url, hooked);
            *out.lock().expect("lock") = Some(done);
        });
        match (result, out.into_inner().ok().flatten()) {
            (Ok(()), Some(done)) => passes.push(done),
            _ => std::process::exit(1),
        }
    }
    report(&options, &passes[0], &passes[1]);
}

/// One pass: a fresh database seeded with the clients and a mailing to all of them, sent to a
/// sink of its own; with an endpoint for the attempts when `hooked`.
fn pass(options: &Options, url: &str, hooked: bool) -> Pass {
    let database = mailroom_api::db::DatabaseUrl::parse(url).expect("URL");
    let pool = mailroom_api::db::connect(&database, 2).expect("connect");
    mailroom_api::db::run_migrations(&mut pool.get().expect("connection")).expect("migrations");
    let mut conn = mailroom_api::db::establish_postgres(url).expect("connect");
    let seeding = Instant::now();
    conn.batch_execute(&format!(
        "INSERT INTO users (id, email, password_hash, full_name, state)
             VALUES (1, 'bench@example.org', 'x', 'Bench Owner', 'active');
         INSERT INTO messages (id, owner_id, subject, body) VALUES
             (1, 1, 'News for {{{{full_name}}}}',
              'Dear {{{{full_name}}}},\n\n' || repeat('All the news that fits in a kilobyte. ', 22) ||
              '\n\nUnsubscribe: {{{{unsubscribe_url}}}}\n');
         INSERT INTO clients (owner_id, email, full_name)
             SELECT 1, 'client' || i || '@d' || (i % 20) || '.example.net', 'Client ' || i
             FROM generate_series(1, {n}) AS i;
         INSERT INTO mailings (id, owner_id, message_id, name, starts_at, ends_at)
             VALUES (1, 1, 1, 'Bench', now() - interval '1 hour', now() + interval '1 day');
         INSERT INTO mailing_clients (mailing_id, client_id) SELECT 1, id FROM clients;
         ANALYZE;",
        n = options.clients
    ))
    .expect("seed");
    if let Ok(extra) = std::env::var("MAILROOM_BENCH_SQL") {
        conn.batch_execute(&extra).expect("extra SQL");
    }
    println!(
        "seeded {} clients in {:.1} s",
        options.clients,
        seeding.elapsed().as_secs_f64()
    );

    let port = support::free_port();
    let lib_dir = options
        .sink
        .ancestors()
        .nth(2)
        .map(|usr| usr.join("lib/postfix"))
        .unwrap_or_default();
    let mut sink = Command::new(&options.sink)
        .env("LD_LIBRARY_PATH", &lib_dir)
        .args(["-u", "nobody", &format!("127.0.0.1:{port}"), "1024"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("smtp-sink starts");
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "smtp-sink did not start");
        std::thread::sleep(Duration::from_millis(20));
    }

    // MAILROOM_BENCH_HOOKS_AFTER=1: the calls are made once the sending is over, so that the
    // rate tells what writing the events costs, apart from sending them.
    let after = std::env::var_os("MAILROOM_BENCH_HOOKS_AFTER").is_some();
    let hook_url = webhooks::Hooks::free_url();
    let mut hooks = None;
    if hooked {
        conn.batch_execute(&format!(
            "INSERT INTO webhooks (owner_id, url, secret, created_at, updated_at)
                 VALUES (1, '{hook_url}', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', now(), now());
             INSERT INTO webhook_subscriptions (webhook_id, event_type)
                 SELECT id, e FROM webhooks, unnest(ARRAY['attempt.succeeded', 'attempt.failed']) AS e;"
        ))
        .expect("an endpoint");
        if !after {
            hooks = Some(webhooks::Hooks::start_at(url, &hook_url));
        }
    }
    let mut done = send(options, url, &mut conn, port, 1);
    if hooked {
        let hooks = hooks.unwrap_or_else(|| webhooks::Hooks::start_at(url, &hook_url));
        done.drained = Some(hooks.drain(done.sent, Duration::from_secs(120)));
    }
    done.sink_ticks = cpu_ticks(sink.id()).unwrap_or_default();
    let _ = sink.kill();
    let _ = sink.wait();
    done
}

fn report(options: &Options, plain: &Pass, hooked: &Pass) {
    println!();
    println!("clients                 {}", options.clients);
    println!("                        without webhooks   with attempt.* to an endpoint");
    let row = |name: &str, a: String, b: String| println!("{name:<24}{a:<19}{b}");
    row(
        "delivered (sent state)",
        plain.sent.to_string(),
        hooked.sent.to_string(),
    );
    row(
        "sending time",
        format!("{:.2} s", plain.seconds),
        format!("{:.2} s", hooked.seconds),
    );
    row(
        "throughput",
        format!("{:.0} msg/s", plain.rate()),
        format!("{:.0} msg/s", hooked.rate()),
    );
    row(
        "peak RSS of the sender",
        format!("{:.1} MB", plain.peak_kb as f64 / 1024.0),
        format!("{:.1} MB", hooked.peak_kb as f64 / 1024.0),
    );
    for (name, of) in [
        (
            "CPU of the sender",
            (|p: &Pass| p.sender_ticks) as fn(&Pass) -> u64,
        ),
        ("CPU of PostgreSQL", |p: &Pass| p.postgres_ticks),
        ("CPU of the SMTP sink", |p: &Pass| p.sink_ticks),
    ] {
        row(
            name,
            format!("{:.0} µs/msg", plain.per_message(of(plain))),
            format!("{:.0} µs/msg", hooked.per_message(of(hooked))),
        );
    }
    row(
        "WAL written",
        format!("{:.0} B/msg", plain.wal_bytes / plain.sent.max(1) as f64),
        format!("{:.0} B/msg", hooked.wal_bytes / hooked.sent.max(1) as f64),
    );
    println!(
        "rate with webhooks      {:.0} % of the rate without (the goal: at least 80 %)",
        100.0 * hooked.rate() / plain.rate()
    );
    if let Some(drained) = &hooked.drained {
        println!(
            "webhook calls           {} for {} attempts told ({:.1} a call), all {:.1} s after \
             the last mail{}",
            drained.calls,
            drained.attempts,
            drained.attempts as f64 / drained.calls.max(1) as f64,
            drained.after.as_secs_f64(),
            if drained.attempts < hooked.sent as u64 {
                " (NOT all: the wait ran out)"
            } else {
                ""
            }
        );
    }
    println!("SMTP summaries          {}", plain.summary);
    println!("                        {}", hooked.summary);
}

/// One `mailroom send` and what it cost.
struct Pass {
    sent: i64,
    seconds: f64,
    peak_kb: u64,
    sender_ticks: u64,
    postgres_ticks: u64,
    wal_bytes: f64,
    summary: String,
    sink_ticks: u64,
    /// With an endpoint: what its receiver got.
    drained: Option<webhooks::Drained>,
}

impl Pass {
    fn rate(&self) -> f64 {
        self.sent as f64 / self.seconds
    }

    fn per_message(&self, ticks: u64) -> f64 {
        ticks as f64 * 10_000.0 / self.sent.max(1) as f64
    }
}

/// Sends mailing `mailing` with the release binary to the sink on `port`.
fn send(options: &Options, url: &str, conn: &mut PgConnection, port: u16, mailing: i64) -> Pass {
    let dir = tempfile::tempdir().expect("temp dir");
    let postgres_before = postgres_ticks();
    let wal_before = wal_position(conn);
    let mut sender = Command::new(BIN)
        .args(["send", &mailing.to_string()])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("DATA_DIR", dir.path())
        .env("DATABASE_URL", url)
        .env("DATABASE_POOL_SIZE", "4")
        .env("SMTP_URL", format!("smtp://127.0.0.1:{port}"))
        .env("SMTP_POOL_SIZE", options.connections.to_string())
        .env("SEND_CONCURRENCY", options.concurrency.to_string())
        .env("SEND_PER_DOMAIN", options.concurrency.to_string())
        .env("SEND_BATCH", options.batch.to_string())
        .env("JWT_SECRET", "bench-secret-bench-secret-bench-secret-00")
        .env("PUBLIC_BASE_URL", "https://mailroom.example.org")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("mailroom send starts");
    let pid = sender.id();
    let watcher = std::thread::spawn(move || {
        let (mut peak, mut ticks) = (0, 0);
        while let Some(kb) = peak_rss_kb(pid) {
            peak = peak.max(kb);
            ticks = cpu_ticks(pid).unwrap_or(ticks);
            std::thread::sleep(Duration::from_millis(20));
        }
        (peak, ticks)
    });
    let stdout = sender.stdout.take().expect("stdout");
    let mut summary = String::new();
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        println!("  mailroom send: {line}");
        if line.starts_with("sent ") {
            summary = line;
        }
    }
    let status = sender.wait().expect("mailroom send exits");
    let (peak_kb, sender_ticks) = watcher.join().unwrap_or_default();
    let postgres = postgres_ticks().saturating_sub(postgres_before);
    let wal_bytes = wal_position(conn) - wal_before;
    assert!(status.success(), "mailroom send failed: {status}");
    let times: RunTimes = diesel::sql_query(format!(
        "SELECT (SELECT count(*) FROM deliveries d JOIN runs r ON r.id = d.run_id
                 WHERE d.state = 'sent' AND r.mailing_id = {mailing}) AS sent,
                EXTRACT(EPOCH FROM (finished_at - started_at))::float8 AS seconds
         FROM runs WHERE mailing_id = {mailing}"
    ))
    .get_result(conn)
    .expect("run figures");
    Pass {
        sent: times.sent,
        seconds: times.seconds.unwrap_or(f64::NAN),
        peak_kb,
        sender_ticks,
        postgres_ticks: postgres,
        wal_bytes,
        summary,
        sink_ticks: 0,
        drained: None,
    }
}
