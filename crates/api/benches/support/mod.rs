//! What the benchmarks share: a free port, and a fresh PostgreSQL database for one run.

use std::net::TcpListener;
use std::panic::UnwindSafe;

use diesel::connection::SimpleConnection;

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The name of this run's database (and of anything else it leaves behind): `<prefix>_<pid>`.
pub fn run_name(prefix: &str) -> String {
    format!("{prefix}_{}", std::process::id())
}

/// Runs `bench` with the URL of a database created for it at `MAILROOM_TEST_POSTGRES_URL`, then
/// drops the database (unless `MAILROOM_BENCH_KEEP` is set); a panic is reported, not rethrown.
pub fn on_fresh_database(
    prefix: &str,
    bench: impl FnOnce(&str) + UnwindSafe,
) -> std::thread::Result<()> {
    let admin_url = std::env::var("MAILROOM_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = run_name(prefix);
    let mut admin =
        mailroom_api::db::establish_postgres(&admin_url).expect("PostgreSQL for the benchmark");
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("bench database");
    let (base, _) = admin_url.rsplit_once('/').expect("URL with a database");
    let url = format!("{base}/{name}");
    let result = std::panic::catch_unwind(|| bench(&url));
    if std::env::var_os("MAILROOM_BENCH_KEEP").is_none() {
        let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    } else {
        println!("kept database {name}");
    }
    result
}
