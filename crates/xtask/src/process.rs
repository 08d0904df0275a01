//! Running programs from the repo root: named, timed steps, commands whose failure names them,
//! and `cargo test` with its results counted.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

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
pub fn cargo_test(
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

pub fn path_env() -> String {
    std::env::var("PATH").unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::TestCounts;

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
}
