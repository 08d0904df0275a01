//! The repo's own commands, run as `cargo xtask <command>`:
//!
//! - `run`: install the web app's build tools when missing, build the web app, start Mailroom on the
//!   embedded default (SQLite, in-process cache, mail to an outbox folder).
//! - `test`: everything CI checks: formatting, lints, unit and integration tests on SQLite and
//!   PostgreSQL, the OpenAPI drift check and the web app's release build.
//! - `bench-send`: the sending benchmark against Postfix's smtp-sink.
//! - `bench-load`: the HTTP load benchmark (statistics and lists, with and without the cache).
//! - `spa`, `openapi`, `setup`: the single steps.
//!
//! Plain `std` on purpose: it compiles in seconds on a fresh machine.

mod boot_script;
mod check;
mod commands;
mod process;
mod tools;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  run [-- ARGS]   build the web app and start Mailroom (embedded mode unless configured);
                  ARGS go to `mailroom serve`
  test            run every check CI runs (fmt, clippy, tests on SQLite and PostgreSQL,
                  OpenAPI drift, web app release build)
  spa             build the web app into frontend/dist (release)
  openapi         regenerate openapi/openapi.json from the code
  bench-send [-- ARGS]
                  the sending benchmark: installs Postfix's smtp-sink, then runs
                  `cargo bench -p mailroom-api --bench sending` (PostgreSQL at
                  MAILROOM_TEST_POSTGRES_URL; ARGS: --clients N, --connections N, --concurrency N)
  bench-load [-- ARGS]
                  the load benchmark: installs wrk, then runs
                  `cargo bench -p mailroom-api --bench load` (PostgreSQL and Redis at
                  MAILROOM_TEST_POSTGRES_URL and MAILROOM_TEST_REDIS_URL; ARGS: --seconds N,
                  --connections N)
  setup           install the build and test tools (wasm32 target, trunk, wasm-bindgen, wasm-opt,
                  and the tests' Python venv: aiosmtpd, the SMTP server they deliver to, the
                  independent checkers dkimpy and standardwebhooks, and schemathesis)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, rest) = match args.split_first() {
        Some((command, rest)) => (command.as_str(), rest),
        None => {
            eprint!("{USAGE}");
            return ExitCode::FAILURE;
        }
    };
    let result = match command {
        "run" => commands::run(rest),
        "test" => check::test(),
        "spa" => tools::ensure().and_then(|tools| commands::build_spa(&tools)),
        "openapi" => commands::openapi(),
        "bench-send" => commands::bench_send(rest),
        "bench-load" => commands::bench_load(rest),
        "setup" => tools::ensure().and_then(|t| tools::ensure_smtp_server(&t.path_env).map(|_| ())),
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command '{other}'\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: {message}");
            ExitCode::FAILURE
        }
    }
}
