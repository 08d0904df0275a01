//! The headers that keep a browser safe: the web app's Content-Security-Policy and its companions
//! on every page, nosniff and the referrer rule on everything, HSTS only behind https.

use std::collections::BTreeMap;

use crate::accounts::PASSWORD;
use crate::helpers::{TestApp, spawn_app, spawn_app_with};

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// A policy's directives, each with its sources.
fn directives(policy: &str) -> BTreeMap<String, Vec<String>> {
    policy
        .split(';')
        .filter_map(|part| {
            let mut words = part.split_whitespace();
            let name = words.next()?.to_ascii_lowercase();
            Some((name, words.map(str::to_owned).collect()))
        })
        .collect()
}

/// The page answers of the app: the root, a client-side route, an asset, a missing asset.
async fn pages(app: &TestApp) -> Vec<(String, reqwest::Response)> {
    let mut answers = Vec::new();
    for path in ["/", "/clients/7", "/app-3f2a.js", "/missing.js"] {
        answers.push((path.to_owned(), app.get(path).await));
    }
    answers
}

#[tokio::test]
async fn every_page_allows_only_the_apps_own_scripts_and_wasm_and_cannot_be_framed() {
    let app = spawn_app().await;
    for (path, response) in pages(&app).await {
        let policy = header(&response, "content-security-policy")
            .unwrap_or_else(|| panic!("{path} has a Content-Security-Policy"));
        let d = directives(&policy);
        let sources = |name: &str| d.get(name).cloned().unwrap_or_default();
        assert_eq!(
            sources("script-src"),
            ["'self'", "'wasm-unsafe-eval'"],
            "{path}"
        );
        assert_eq!(sources("default-src"), ["'self'"], "{path}");
        assert_eq!(sources("object-src"), ["'none'"], "{path}");
        assert_eq!(sources("base-uri"), ["'self'"], "{path}");
        assert_eq!(sources("frame-ancestors"), ["'none'"], "{path}");
        assert_eq!(sources("connect-src"), ["'self'"], "{path}");
        assert!(!d.contains_key("script-src-elem") && !d.contains_key("script-src-attr"));
        assert_eq!(
            header(&response, "x-frame-options").as_deref(),
            Some("DENY")
        );
        assert_eq!(
            header(&response, "x-content-type-options").as_deref(),
            Some("nosniff")
        );
        assert_eq!(
            header(&response, "referrer-policy").as_deref(),
            Some("same-origin")
        );
        let permissions = header(&response, "permissions-policy").unwrap_or_default();
        for feature in ["camera=()", "microphone=()", "geolocation=()", "payment=()"] {
            assert!(permissions.contains(feature), "{path}: {permissions}");
        }
        assert_eq!(
            header(&response, "strict-transport-security"),
            None,
            "http: {path}"
        );
    }
}

#[tokio::test]
async fn api_answers_are_never_sniffed_and_carry_no_page_policy() {
    let app = spawn_app().await;
    app.user("ann@example.org").await;
    let signed_in = app.login("ann@example.org", PASSWORD).await;
    let unauthorised = app.get("/api/v1/clients").await;
    let unknown = app.get("/api/v1/nothing-here").await;
    let docs = app.get("/api-docs/openapi.json").await;
    for (what, response) in [
        ("a sign-in", signed_in),
        ("a 401", unauthorised),
        ("a 404", unknown),
        ("the document", docs),
    ] {
        assert_eq!(
            header(&response, "x-content-type-options").as_deref(),
            Some("nosniff"),
            "{what}"
        );
        assert_eq!(
            header(&response, "referrer-policy").as_deref(),
            Some("same-origin")
        );
        assert_eq!(header(&response, "content-security-policy"), None, "{what}");
    }
}

#[tokio::test]
async fn behind_https_every_answer_asks_for_https_from_then_on() {
    let app = spawn_app_with(|c| {
        c.public_base_url = Some("https://mailroom.example.org".into());
    })
    .await;
    let mut answers = pages(&app).await;
    answers.push(("/health/live".into(), app.get("/health/live").await));
    answers.push(("/api/v1/clients".into(), app.get("/api/v1/clients").await));
    for (path, response) in answers {
        let hsts = header(&response, "strict-transport-security")
            .unwrap_or_else(|| panic!("{path} has Strict-Transport-Security"));
        let max_age: u64 = hsts
            .split(';')
            .find_map(|part| part.trim().strip_prefix("max-age="))
            .and_then(|v| v.parse().ok())
            .expect("a max-age");
        assert!(max_age >= 180 * 24 * 3600, "{path}: {hsts}");
    }
}
