//! `cargo xtask test`: every check CI runs, with the services the integration tests need.

use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use crate::commands::build_spa;
use crate::process::{TestCounts, cargo_test, cmd, path_env, step};
use crate::tools;

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
    let smtp_python = step(
        "test SMTP server, verifiers and contract tester (aiosmtpd, dkimpy, standardwebhooks, schemathesis)",
        || tools::ensure_smtp_server(&tools.path_env),
    )?;
    let smtp_python = smtp_python.to_string_lossy().into_owned();
    let chromedriver = step("browser for the end-to-end tests (Chromium)", || {
        tools::ensure_chromium(&tools.path_env)
    })?;
    let chromedriver = chromedriver.to_string_lossy().into_owned();
    let axe = step(
        "accessibility checker for the end-to-end tests (axe-core)",
        || tools::ensure_axe(&tools.path_env),
    )?;
    let axe = axe.to_string_lossy().into_owned();
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
                    ("MAILROOM_TEST_AXE", &axe),
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
    use super::host_port;

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
