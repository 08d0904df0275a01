//! The commands themselves, each a sequence of named, timed steps.

use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::tools::{self, Tools};

/// The checkout being worked on. `cargo run` sets CARGO_MANIFEST_DIR when it starts xtask; that
/// value, not the one compiled in, is right when several checkouts share one target folder (CI's
/// clone and a working copy): cargo may reuse an xtask binary built in the other one.
pub fn repo_root() -> PathBuf {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Runs a named step, printing its name before and its duration after.
pub fn step<T>(name: &str, f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    println!("\n==> {name}");
    let started = Instant::now();
    let result = f();
    let secs = started.elapsed().as_secs_f32();
    match &result {
        Ok(_) => println!("<== {name}: ok ({secs:.1} s)"),
        Err(_) => println!("<== {name}: FAILED ({secs:.1} s)"),
    }
    result.map_err(|e| format!("{name}: {e}"))
}

/// Runs a program in the repo root and fails with its command line when it fails.
pub fn cmd(program: &str, args: &[&str], path_env: &str) -> Result<(), String> {
    cmd_env(program, args, path_env, &[])
}

/// Totals of the `test result:` lines cargo test prints, across every test binary and run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TestCounts {
    pub passed: u64,
    pub failed: u64,
    pub ignored: u64,
}

impl TestCounts {
    fn add_line(&mut self, line: &str) {
        let Some(rest) = line.trim().strip_prefix("test result: ") else {
            return;
        };
        for part in rest.split(';') {
            let mut words = part.split_whitespace().rev();
            let (Some(label), Some(number)) = (words.next(), words.next()) else {
                continue;
            };
            let Ok(n) = number.parse::<u64>() else {
                continue;
            };
            match label {
                "passed" => self.passed += n,
                "failed" => self.failed += n,
                "ignored" => self.ignored += n,
                _ => {}
            }
        }
    }
}

/// Runs `cargo test`, echoing its output and counting its results.
fn cargo_test(
    args: &[&str],
    path_env: &str,
    env: &[(&str, &str)],
    counts: &mut TestCounts,
) -> Result<(), String> {
    use std::io::{BufRead, BufReader};
    let line = format!("cargo {}", args.join(" "));
    println!(
        "  $ {}{line}",
        env.iter()
            .map(|(k, v)| format!("{k}={v} "))
            .collect::<String>()
    );
    let mut child = Command::new("cargo")
        .args(args)
        .envs(env.iter().copied())
        .env("PATH", path_env)
        .current_dir(repo_root())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start cargo: {e}"))?;
    if let Some(stdout) = child.stdout.take() {
        for output in BufReader::new(stdout).lines().map_while(Result::ok) {
            println!("{output}");
            counts.add_line(&output);
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("cargo did not finish: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{line}` failed ({status})"))
    }
}

fn cmd_env(
    program: &str,
    args: &[&str],
    path_env: &str,
    env: &[(&str, &str)],
) -> Result<(), String> {
    let line = format!("{program} {}", args.join(" "));
    println!(
        "  $ {}{line}",
        env.iter()
            .map(|(k, v)| format!("{k}={v} "))
            .collect::<String>()
    );
    let status = Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .env("PATH", path_env)
        .current_dir(repo_root())
        .status()
        .map_err(|e| format!("cannot start `{program}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{line}` failed ({status})"))
    }
}

fn path_env() -> String {
    std::env::var("PATH").unwrap_or_default()
}

pub fn build_spa(tools: &Tools) -> Result<(), String> {
    step("web app release build (trunk)", || {
        cmd(
            "trunk",
            &["build", "--release", "--offline"],
            &tools.path_env,
        )?;
        report_wasm_size();
        Ok(())
    })
}

fn report_wasm_size() {
    let dist = repo_root().join("frontend/dist");
    let Ok(entries) = std::fs::read_dir(&dist) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "wasm")
            && let Ok(meta) = entry.metadata()
        {
            println!("  {}: {} KB", path.display(), meta.len() / 1024);
        }
    }
}

pub fn run(args: &[String]) -> Result<(), String> {
    let tools = tools::ensure()?;
    build_spa(&tools)?;
    let mut argv = vec![
        "run",
        "--release",
        "--package",
        "mailroom-api",
        "--bin",
        "mailroom",
        "--",
        "serve",
    ];
    argv.extend(args.iter().skip_while(|a| *a == "--").map(String::as_str));
    println!("\n==> starting Mailroom (Ctrl-C stops it)");
    cmd("cargo", &argv, &tools.path_env)
}

pub fn openapi() -> Result<(), String> {
    step("regenerate openapi/openapi.json", || {
        cmd(
            "cargo",
            &[
                "run",
                "--quiet",
                "--package",
                "mailroom-api",
                "--bin",
                "mailroom",
                "--",
                "openapi",
                "--output",
                "openapi/openapi.json",
            ],
            &path_env(),
        )
    })
}

/// The sending benchmark: Postfix's smtp-sink (unpacked once into the tool cache), then the
/// benchmark itself with the release binary. Prints figures; never part of `test`.
pub fn bench_send(args: &[String]) -> Result<(), String> {
    let path_env = path_env();
    let sink = step("benchmark SMTP server (smtp-sink)", || {
        tools::ensure_smtp_sink(&path_env)
    })?;
    let sink = sink.to_string_lossy().into_owned();
    let mut bench_args = vec![
        "bench",
        "--package",
        "mailroom-api",
        "--bench",
        "sending",
        "--",
        "--sink",
        &sink,
    ];
    bench_args.extend(args.iter().map(String::as_str).filter(|a| *a != "--"));
    step("sending benchmark", || cmd("cargo", &bench_args, &path_env))
}

/// The load benchmark: wrk (unpacked once into the tool cache), then the benchmark itself with the
/// release binary. Prints figures; never part of `test`.
pub fn bench_load(args: &[String]) -> Result<(), String> {
    let path_env = path_env();
    let (wrk, libs) = step("HTTP load generator (wrk)", || tools::ensure_wrk(&path_env))?;
    let (wrk, libs) = (
        wrk.to_string_lossy().into_owned(),
        libs.to_string_lossy().into_owned(),
    );
    let mut bench_args = vec![
        "bench",
        "--package",
        "mailroom-api",
        "--bench",
        "load",
        "--",
        "--wrk",
        &wrk,
        "--wrk-libs",
        &libs,
    ];
    bench_args.extend(args.iter().map(String::as_str).filter(|a| *a != "--"));
    step("load benchmark", || cmd("cargo", &bench_args, &path_env))
}

/// A service the tests need, found or not, with what to do about it.
struct Service {
    name: &'static str,
    address: String,
    env: &'static str,
}

impl Service {
    fn reachable(&self) -> bool {
        let addrs: Vec<SocketAddr> = self
            .address
            .to_socket_addrs()
            .map(Iterator::collect)
            .unwrap_or_default();
        addrs
            .iter()
            .any(|a| TcpStream::connect_timeout(a, Duration::from_secs(2)).is_ok())
    }
}

/// host:port of a URL such as postgres://user@host:5432/db.
fn host_port(url: &str, default_port: u16) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?']).next().unwrap_or(rest);
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host.contains(':') {
        host.to_owned()
    } else {
        format!("{host}:{default_port}")
    }
}

pub fn test() -> Result<(), String> {
    let started = Instant::now();
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    let path = path_env();

    step("formatting (cargo fmt --check)", || {
        cmd("cargo", &["fmt", "--all", "--", "--check"], &path)
    })?;
    let tools = tools::ensure()?;
    step("lints: server crates (clippy -D warnings)", || {
        cmd(
            "cargo",
            &[
                "clippy",
                "--all-targets",
                "--locked",
                "--",
                "-D",
                "warnings",
            ],
            &tools.path_env,
        )
    })?;
    step("lints: web app for wasm32 (clippy -D warnings)", || {
        cmd(
            "cargo",
            &[
                "clippy",
                "--package",
                "mailroom-frontend",
                "--target",
                "wasm32-unknown-unknown",
                "--all-targets",
                "--locked",
                "--",
                "-D",
                "warnings",
            ],
            &tools.path_env,
        )
    })?;
    // Before the tests: the binary's end-to-end test serves this very build.
    build_spa(&tools)?;

    let postgres = Service {
        name: "PostgreSQL",
        address: host_port(
            &std::env::var("MAILROOM_TEST_POSTGRES_URL")
                .unwrap_or_else(|_| "postgres://127.0.0.1:5432".into()),
            5432,
        ),
        env: "MAILROOM_TEST_POSTGRES_URL",
    };
    let redis = Service {
        name: "Redis",
        address: host_port(
            &std::env::var("MAILROOM_TEST_REDIS_URL")
                .unwrap_or_else(|_| "redis://127.0.0.1:6379".into()),
            6379,
        ),
        env: "MAILROOM_TEST_REDIS_URL",
    };
    let mut skipped = Vec::new();
    let mut missing = |service: &Service| -> Result<bool, String> {
        if service.reachable() {
            println!("  {} at {}: reachable", service.name, service.address);
            return Ok(false);
        }
        let message = format!(
            "{} is not reachable at {} (set {} to point elsewhere)",
            service.name, service.address, service.env
        );
        if in_ci {
            return Err(format!(
                "{message}; CI=true, so this fails instead of skipping"
            ));
        }
        eprintln!(
            "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
        );
        eprintln!("!!! {message}:");
        eprintln!("!!! SKIPPING the tests that need it. CI fails here.");
        eprintln!(
            "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
        );
        skipped.push(service.name);
        Ok(true)
    };
    let (no_postgres, no_redis) = step("services for the integration tests", || {
        Ok((missing(&postgres)?, missing(&redis)?))
    })?;
    let smtp_python = step("test SMTP server (aiosmtpd)", || {
        tools::ensure_smtp_server(&tools.path_env)
    })?;
    let smtp_python = smtp_python.to_string_lossy().into_owned();
    let chromedriver = step("browser for the end-to-end tests (Chromium)", || {
        tools::ensure_chromium(&tools.path_env)
    })?;
    let chromedriver = chromedriver.to_string_lossy().into_owned();
    let mut counts = TestCounts::default();
    // Tests needing Redis live in modules named `redis`.
    let redis_filter: &[&str] = if no_redis {
        &["--", "--skip", "redis::"]
    } else {
        &[]
    };

    step(
        "unit, integration and end-to-end (Chromium) tests on SQLite (incl. OpenAPI drift check)",
        || {
            let mut args = vec!["test", "--locked"];
            args.extend_from_slice(redis_filter);
            cargo_test(
                &args,
                &tools.path_env,
                &[
                    ("MAILROOM_TEST_DB", "sqlite"),
                    ("MAILROOM_TEST_SMTP_PYTHON", &smtp_python),
                    ("MAILROOM_TEST_CHROMEDRIVER", &chromedriver),
                ],
                &mut counts,
            )
        },
    )?;
    if !no_postgres {
        step("integration tests on PostgreSQL", || {
            let mut args = vec![
                "test",
                "--locked",
                "--package",
                "mailroom-api",
                "--test",
                "api",
            ];
            args.extend_from_slice(redis_filter);
            cargo_test(
                &args,
                &tools.path_env,
                &[
                    ("MAILROOM_TEST_DB", "postgres"),
                    ("MAILROOM_TEST_SMTP_PYTHON", &smtp_python),
                ],
                &mut counts,
            )
        })?;
    }

    println!(
        "\nAll checks passed in {:.0} s.",
        started.elapsed().as_secs_f32()
    );
    if !skipped.is_empty() {
        println!(
            "SKIPPED (service unreachable): tests needing {}",
            skipped.join(" and ")
        );
    }
    if counts.passed == 0 {
        return Err("no test ran".into());
    }
    println!("tests: {} passed, {} failed", counts.passed, counts.failed);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{TestCounts, host_port};

    #[test]
    fn test_counts_add_up_cargo_test_result_lines() {
        let mut counts = TestCounts::default();
        counts.add_line("test result: ok. 33 passed; 0 failed; 2 ignored; 0 measured; 0 filtered out; finished in 0.10s");
        counts.add_line("running 5 tests");
        counts.add_line("test result: FAILED. 4 passed; 1 failed; 0 ignored; 0 measured; 3 filtered out; finished in 1.00s");
        assert_eq!(
            counts,
            TestCounts {
                passed: 37,
                failed: 1,
                ignored: 2
            }
        );
    }

    #[test]
    fn host_port_reads_the_authority_of_a_service_url() {
        assert_eq!(
            host_port("postgres://postgres@127.0.0.1:5432/postgres", 5432),
            "127.0.0.1:5432"
        );
        assert_eq!(host_port("postgres://db/mailroom", 5432), "db:5432");
        assert_eq!(host_port("redis://:secret@cache:6380", 6379), "cache:6380");
        assert_eq!(host_port("redis://127.0.0.1", 6379), "127.0.0.1:6379");
    }
}
