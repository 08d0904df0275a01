//! The commands themselves, each a sequence of named, timed steps (`check.rs` holds `test`).

use crate::process::{cmd, path_env, repo_root, step};
use crate::tools::{self, Tools};

pub fn build_spa(tools: &Tools) -> Result<(), String> {
    step("web app release build (trunk)", || {
        cmd(
            "trunk",
            &["build", "--release", "--offline"],
            &tools.path_env,
        )?;
        crate::boot_script::externalize(&repo_root().join("frontend/dist"))?;
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
