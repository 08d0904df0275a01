use std::path::Path;

use mailroom_api::http::openapi;

use crate::helpers::spawn_app;

fn committed_spec_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/openapi.json")
}

#[test]
fn the_committed_openapi_spec_is_what_the_code_generates() {
    let committed = std::fs::read_to_string(committed_spec_path()).unwrap_or_default();
    assert!(
        committed == openapi::document_json(),
        "openapi/openapi.json is stale: run `cargo xtask openapi` and commit the result"
    );
}

#[tokio::test]
async fn the_openapi_document_is_served_as_generated() {
    let app = spawn_app().await;

    let response = app.get("/api-docs/openapi.json").await;

    assert_eq!(response.status().as_u16(), 200);
    let served: serde_json::Value = response.json().await.expect("JSON");
    let generated: serde_json::Value =
        serde_json::from_str(&openapi::document_json()).expect("valid JSON");
    assert_eq!(served, generated);
    assert!(served["paths"]["/health/ready"]["get"].is_object());
    assert!(served["components"]["schemas"]["Problem"].is_object());
}

#[tokio::test]
async fn docs_redirects_to_swagger_ui_which_is_served_without_any_cdn() {
    let app = spawn_app().await;

    let response = app.get("/docs").await;
    assert!(response.status().is_redirection());
    assert_eq!(
        response.headers().get("location").map(|v| v.as_bytes()),
        Some(&b"/docs/"[..])
    );

    let page = app.get("/docs/").await;
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.expect("body");
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(
        !html.contains("https://"),
        "every asset comes from this server: {html}"
    );

    for asset in [
        "/docs/swagger-ui.css",
        "/docs/swagger-ui-bundle.js",
        "/docs/swagger-initializer.js",
    ] {
        let response = app.get(asset).await;
        assert_eq!(response.status().as_u16(), 200, "{asset}");
    }
    let initializer = app
        .get("/docs/swagger-initializer.js")
        .await
        .text()
        .await
        .expect("body");
    assert!(
        initializer.contains("/api-docs/openapi.json"),
        "{initializer}"
    );
}

#[test]
fn every_api_endpoint_is_documented_with_its_security_and_errors() {
    let spec: serde_json::Value = serde_json::from_str(&openapi::document_json()).expect("JSON");
    let scheme = &spec["components"]["securitySchemes"]["bearer"];
    assert_eq!(scheme["type"], "http");
    assert_eq!(scheme["scheme"], "bearer");

    let public = [
        "/api/v1/auth/register",
        "/api/v1/auth/confirm",
        "/api/v1/auth/resend-confirmation",
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
        "/api/v1/auth/password-reset",
        "/api/v1/auth/password-reset/confirm",
        "/api/v1/stats/overview",
    ];
    // Nothing a caller sends can be wrong here: no parameters, no body, no token.
    let without_caller_errors = ["/api/v1/stats/overview"];
    let paths = spec["paths"].as_object().expect("paths");
    for (path, item) in paths.iter().filter(|(p, _)| p.starts_with("/api/v1/")) {
        for (method, operation) in item.as_object().expect("operations") {
            let secured = operation.get("security").is_some();
            assert_eq!(
                secured,
                !public.contains(&path.as_str()),
                "{method} {path}: security documented only where a token is needed"
            );
            let responses = operation["responses"].as_object().expect("responses");
            let documents_an_error = responses.iter().any(|(status, r)| {
                status.starts_with('4') && r["content"]["application/problem+json"].is_object()
            }) || without_caller_errors.contains(&path.as_str());
            assert!(
                documents_an_error,
                "{method} {path} documents its problem responses"
            );
        }
    }
}
