//! The web app's build tools, installed from the package registries when missing or of the wrong
//! version. Nothing is downloaded from anywhere else, so this works on a machine that only reaches
//! crates.io and npm.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::process::{cmd, repo_root, step};

/// Trunk 0.22 needs a newer rustc than this repo's toolchain.
const TRUNK_VERSION: &str = "0.21.14";
/// binaryen's wasm-opt; Debian's older one corrupts wasm-bindgen's output. Keep in step with
/// `wasm_opt` in Trunk.toml.
const BINARYEN_VERSION: &str = "132.0.0";

/// The accessibility checker the end-to-end tests run inside Chromium on every page.
const AXE_CORE_VERSION: &str = "4.14.1";

/// The real SMTP server the tests send mail to.
const AIOSMTPD_VERSION: &str = "1.4.6";

/// The DKIM verifier the tests check Mailroom's signatures with, and the Ed25519 library it
/// needs for ed25519-sha256.
const DKIMPY_VERSION: &str = "1.1.8";
const PYNACL_VERSION: &str = "1.6.2";
/// The Standard Webhooks reference library: the tests verify webhook signatures with it.
const STANDARDWEBHOOKS_VERSION: &str = "1.1.0";
/// The property-based contract tester: the tests run it against the served OpenAPI document.
const SCHEMATHESIS_VERSION: &str = "4.32.5";

/// Where the tools live, and the PATH that puts them first.
pub struct Tools {
    pub path_env: String,
}

fn home() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// A cache outside the clone, shared by every checkout on the machine.
pub fn cache_dir() -> PathBuf {
    std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| home().join(".cache"))
        .join("mailroom")
}

fn output_of(program: &str, args: &[&str], path_env: &str) -> Option<String> {
    Command::new(program)
        .args(args)
        .env("PATH", path_env)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
}

/// The wasm-bindgen version Cargo.lock pins; the CLI must be exactly this one.
fn locked_wasm_bindgen_version() -> Result<String, String> {
    let lock = std::fs::read_to_string(repo_root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\""
            && let Some(version) = lines
                .next()
                .and_then(|l| l.strip_prefix("version = \""))
                .and_then(|l| l.strip_suffix('"'))
        {
            return Ok(version.to_owned());
        }
    }
    Err("Cargo.lock pins no wasm-bindgen version".into())
}

pub fn ensure() -> Result<Tools, String> {
    let cargo_bin = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| home().join(".cargo"))
        .join("bin");
    let node_bin = cache_dir().join("tools/node_modules/.bin");
    let path_env = std::env::join_paths([node_bin.clone(), cargo_bin].into_iter().chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .map_err(|e| format!("cannot build PATH: {e}"))?
    .to_string_lossy()
    .into_owned();

    step("web app build tools", || {
        ensure_wasm_target(&path_env)?;
        ensure_trunk(&path_env)?;
        ensure_wasm_bindgen(&path_env)?;
        ensure_wasm_opt(&path_env, &node_bin)
    })?;
    Ok(Tools { path_env })
}

fn ensure_wasm_target(path_env: &str) -> Result<(), String> {
    let installed = output_of("rustup", &["target", "list", "--installed"], path_env)
        .ok_or("rustup is needed to add the wasm32-unknown-unknown target")?;
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        println!("  wasm32-unknown-unknown target: installed");
        return Ok(());
    }
    cmd(
        "rustup",
        &["target", "add", "wasm32-unknown-unknown"],
        path_env,
    )
}

fn ensure_trunk(path_env: &str) -> Result<(), String> {
    let wanted = format!("trunk {TRUNK_VERSION}");
    if output_of("trunk", &["--version"], path_env).as_deref() == Some(wanted.as_str()) {
        println!("  {wanted}: installed");
        return Ok(());
    }
    println!("  installing {wanted} (about 10 minutes on 2 cores, once per machine)");
    cmd(
        "cargo",
        &["install", "--locked", &format!("trunk@{TRUNK_VERSION}")],
        path_env,
    )
}

fn ensure_wasm_bindgen(path_env: &str) -> Result<(), String> {
    let version = locked_wasm_bindgen_version()?;
    let wanted = format!("wasm-bindgen {version}");
    if output_of("wasm-bindgen", &["--version"], path_env).as_deref() == Some(wanted.as_str()) {
        println!("  {wanted}: installed");
        return Ok(());
    }
    println!("  installing wasm-bindgen-cli {version} (about 5 minutes, once per machine)");
    // Not --locked: its lock file names a webpki-roots release the registry no longer serves.
    cmd(
        "cargo",
        &["install", "--force", &format!("wasm-bindgen-cli@{version}")],
        path_env,
    )
}

fn ensure_wasm_opt(path_env: &str, node_bin: &Path) -> Result<(), String> {
    let major = BINARYEN_VERSION
        .split('.')
        .next()
        .unwrap_or(BINARYEN_VERSION);
    let wasm_opt = node_bin.join("wasm-opt");
    let current = output_of(&wasm_opt.to_string_lossy(), &["--version"], path_env);
    if current
        .as_deref()
        .is_some_and(|v| v.contains(&format!("version {major}")))
    {
        println!("  wasm-opt {major} (binaryen): installed");
        return Ok(());
    }
    npm_install(
        &format!("binaryen@{BINARYEN_VERSION}"),
        "wasm-opt",
        path_env,
    )
}

/// Installs `package` (name@version) from the npm registry into the tools folder, which keeps
/// what was installed before; `for_what` names it in the message when npm is missing.
fn npm_install(package: &str, for_what: &str, path_env: &str) -> Result<(), String> {
    if output_of("npm", &["--version"], path_env).is_none() {
        return Err(format!(
            "npm is needed to install {for_what} (npm package {package}); install Node.js and \
             npm, then run this again"
        ));
    }
    let prefix = cache_dir().join("tools");
    std::fs::create_dir_all(&prefix)
        .map_err(|e| format!("cannot create {}: {e}", prefix.display()))?;
    cmd(
        "npm",
        &[
            "install",
            "--no-audit",
            "--no-fund",
            "--prefix",
            &prefix.to_string_lossy(),
            package,
        ],
        path_env,
    )
}

/// A Python virtualenv with aiosmtpd, the SMTP server the API tests deliver mail to, dkimpy and
/// standardwebhooks, the independent verifiers of DKIM and webhook signatures, and schemathesis,
/// which tests the server against its OpenAPI document; returns its interpreter.
pub fn ensure_smtp_server(path_env: &str) -> Result<PathBuf, String> {
    let venv = cache_dir().join("venv");
    let python = venv.join("bin/python");
    let python_str = python.to_string_lossy().into_owned();
    let check = format!(
        "import aiosmtpd, nacl, sys; from importlib.metadata import version; \
         sys.exit(aiosmtpd.__version__ != '{AIOSMTPD_VERSION}' \
         or version('dkimpy') != '{DKIMPY_VERSION}' or nacl.__version__ != '{PYNACL_VERSION}' \
         or version('standardwebhooks') != '{STANDARDWEBHOOKS_VERSION}' \
         or version('schemathesis') != '{SCHEMATHESIS_VERSION}')"
    );
    if output_of(&python_str, &["-c", &check], path_env).is_some() {
        println!(
            "  aiosmtpd {AIOSMTPD_VERSION} (test SMTP server), dkimpy {DKIMPY_VERSION} (DKIM verifier), \
             standardwebhooks {STANDARDWEBHOOKS_VERSION} (webhook verifier), \
             schemathesis {SCHEMATHESIS_VERSION} (contract tester): installed"
        );
        return Ok(python);
    }
    let system_python = ["python3", "python"]
        .into_iter()
        .find(|p| output_of(p, &["--version"], path_env).is_some())
        .ok_or("Python 3 is needed for the test SMTP server (aiosmtpd); install python3")?;
    cmd(
        system_python,
        &["-m", "venv", &venv.to_string_lossy()],
        path_env,
    )?;
    cmd(
        &python_str,
        &[
            "-m",
            "pip",
            "install",
            "--quiet",
            &format!("aiosmtpd=={AIOSMTPD_VERSION}"),
            &format!("dkimpy=={DKIMPY_VERSION}"),
            &format!("pynacl=={PYNACL_VERSION}"),
            &format!("standardwebhooks=={STANDARDWEBHOOKS_VERSION}"),
            &format!("schemathesis=={SCHEMATHESIS_VERSION}"),
        ],
        path_env,
    )?;
    Ok(python)
}

/// Postfix's `smtp-sink`, a fast real SMTP server for the sending benchmark, unpacked from Debian's
/// postfix package without installing Postfix; returns the program's path.
pub fn ensure_smtp_sink(path_env: &str) -> Result<PathBuf, String> {
    let root = cache_dir().join("tools/postfix");
    let sink = root.join("usr/sbin/smtp-sink");
    if sink.is_file() {
        println!("  smtp-sink (benchmark SMTP server): installed");
        return Ok(sink);
    }
    unpack_debian_packages(&["postfix"], &root, path_env)?;
    found(sink)
}

/// `wrk`, the HTTP load generator of the load benchmark, and the LuaJIT library it links, unpacked
/// from Debian's packages; returns the program and the folder to put in `LD_LIBRARY_PATH`.
pub fn ensure_wrk(path_env: &str) -> Result<(PathBuf, PathBuf), String> {
    let root = cache_dir().join("tools/wrk");
    let wrk = root.join("usr/bin/wrk");
    let libs = root.join("usr/lib/x86_64-linux-gnu");
    if wrk.is_file() {
        println!("  wrk (HTTP load generator): installed");
        return Ok((wrk, libs));
    }
    unpack_debian_packages(&["wrk", "libluajit2-5.1-2"], &root, path_env)?;
    Ok((found(wrk)?, libs))
}

/// axe-core from the npm registry, for the end-to-end tests' accessibility checks; returns the
/// script they inject into each page.
pub fn ensure_axe(path_env: &str) -> Result<PathBuf, String> {
    let prefix = cache_dir().join("tools");
    let package = prefix.join("node_modules/axe-core");
    let script = package.join("axe.min.js");
    let installed = std::fs::read_to_string(package.join("package.json")).unwrap_or_default();
    if installed.contains(&format!("\"version\": \"{AXE_CORE_VERSION}\"")) && script.is_file() {
        println!("  axe-core {AXE_CORE_VERSION}: installed");
        return Ok(script);
    }
    npm_install(
        &format!("axe-core@{AXE_CORE_VERSION}"),
        "the accessibility checker",
        path_env,
    )?;
    found(script)
}

/// Debian's Chromium and chromedriver, for the end-to-end tests: installed with apt-get when
/// missing (a system package: the browser needs its libraries). Returns chromedriver's path.
pub fn ensure_chromium(path_env: &str) -> Result<PathBuf, String> {
    let (chromium, driver) = (
        PathBuf::from("/usr/bin/chromium"),
        PathBuf::from("/usr/bin/chromedriver"),
    );
    if chromium.is_file() && driver.is_file() {
        println!("  chromium and chromedriver: installed");
        return Ok(driver);
    }
    let install = || {
        cmd(
            "apt-get",
            &["install", "-y", "-qq", "chromium", "chromium-driver"],
            path_env,
        )
    };
    if install().is_err() {
        // A fresh machine may not have the package lists yet.
        cmd("apt-get", &["update", "-qq"], path_env)?;
        install().map_err(|e| {
            format!("{e}: the end-to-end tests need Debian's chromium and chromium-driver")
        })?;
    }
    found(driver)
}

fn found(program: PathBuf) -> Result<PathBuf, String> {
    if program.is_file() {
        Ok(program)
    } else {
        Err(format!("{} is missing after unpacking", program.display()))
    }
}

/// Downloads Debian packages (`apt-get download`, no root needed) and unpacks them into `root`,
/// without installing anything on the system.
fn unpack_debian_packages(packages: &[&str], root: &Path, path_env: &str) -> Result<(), String> {
    let download = cache_dir().join("downloads");
    std::fs::create_dir_all(&download)
        .map_err(|e| format!("cannot create {}: {e}", download.display()))?;
    let fetch = || {
        Command::new("apt-get")
            .arg("download")
            .args(packages)
            .current_dir(&download)
            .env("PATH", path_env)
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    };
    if !fetch() {
        // A fresh machine may not have the package lists yet.
        cmd("apt-get", &["update", "-qq"], path_env)?;
        if !fetch() {
            return Err(format!("`apt-get download {}` failed", packages.join(" ")));
        }
    }
    // dpkg -x creates the last folder only.
    std::fs::create_dir_all(root).map_err(|e| format!("cannot create {}: {e}", root.display()))?;
    for package in packages {
        let deb = std::fs::read_dir(&download)
            .map_err(|e| e.to_string())?
            .flatten()
            .map(|e| e.path())
            .find(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(&format!("{package}_")) && n.ends_with(".deb"))
            })
            .ok_or_else(|| format!("apt-get download left no {package} .deb"))?;
        cmd(
            "dpkg",
            &["-x", &deb.to_string_lossy(), &root.to_string_lossy()],
            path_env,
        )?;
    }
    Ok(())
}
