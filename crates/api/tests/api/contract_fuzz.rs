//! The server against its OpenAPI document, checked by a tester we did not write: schemathesis
//! (PyPI) reads the document the server serves, generates requests from it, valid and invalid
//! ones, and checks every answer: a documented status, a body matching its schema, the documented
//! content type and headers, no 5xx, invalid input refused and valid input not refused. A client
//! generated from the document then validates what the server validates, and expects what it
//! answers.

use std::process::Command;

use serde_json::{Value, json};

use crate::fixtures;
use crate::helpers::spawn_app;

/// Requests per operation and phase: enough to reach every documented constraint, few enough
/// for CI (the whole run takes about a minute); the seed makes a failure repeatable.
const EXAMPLES: &str = "12";
const SEED: &str = "20261203";

#[tokio::test]
async fn generated_requests_get_the_answers_the_openapi_document_promises() {
    let app = spawn_app().await;
    let mia = app.manager("mia@example.org").await;
    // Something for the ids the tester draws to find, next to the many it will not.
    let client = fixtures::client(&app, &mia, "ann@example.net", "Ann").await;
    let message = json!({"subject": "Hello", "body": "Hi {{full_name}}"});
    fixtures::mailing_of(&app, &mia, &message, &[client]).await;
    // An API token: an access token would expire during a long run.
    let token: Value = app
        .post_as(
            "/api/v1/me/tokens",
            &mia.access,
            &json!({"name": "contract"}),
        )
        .await
        .json()
        .await
        .expect("a token");
    let token = token["token"].as_str().expect("the token").to_owned();

    let python = std::env::var("MAILROOM_TEST_SMTP_PYTHON").unwrap_or_else(|_| "python3".into());
    let here = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/api");
    let reports = tempfile::tempdir().expect("a working folder");
    let workdir = reports.path().to_owned();
    let document = format!("{}/api-docs/openapi.json", app.address);
    let args: Vec<String> = [
        "-m",
        "schemathesis.cli",
        "--config-file",
        &format!("{here}/schemathesis.toml"),
        "run",
        &document,
        "--url",
        &app.address,
        "--max-examples",
        EXAMPLES,
        "--seed",
        SEED,
        "--phases",
        "examples,coverage,fuzzing",
        // The token itself is not to be revoked halfway through.
        "--exclude-path-regex",
        "^/api/v1/me/tokens",
        "--workers",
        "2",
        "--no-shrink",
        "--report-dir",
        &reports.path().to_string_lossy(),
    ]
    .map(str::to_owned)
    .to_vec();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(&python)
            .args(&args)
            .env("MAILROOM_CONTRACT_TOKEN", token)
            .env("SCHEMATHESIS_HOOKS", "schemathesis_hooks")
            .env("PYTHONPATH", here)
            .env("NO_COLOR", "1")
            // Its cache and reports in a folder of its own, no bytecode beside the hooks.
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .current_dir(&workdir)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {python}: {e}"))
    })
    .await
    .expect("schemathesis ran");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "schemathesis found answers the document does not promise (is schemathesis installed? \
         `cargo xtask setup` installs it):\n{report}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // A run that skipped operations would pass too: every one but the token's own is tested.
    let doc: Value = app
        .get("/api-docs/openapi.json")
        .await
        .json()
        .await
        .expect("the document");
    let operations: usize = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .filter(|(path, _)| !path.starts_with("/api/v1/me/tokens"))
        .map(|(_, item)| item.as_object().expect("an item").len())
        .sum();
    let tested = report
        .lines()
        .find_map(|line| line.trim().strip_prefix("Tested: "))
        .and_then(|n| n.trim().parse::<usize>().ok());
    assert_eq!(
        tested,
        Some(operations),
        "not every operation was tested:\n{report}"
    );
}
