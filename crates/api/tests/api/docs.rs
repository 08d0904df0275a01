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
