use crate::helpers::{problem, spawn_app, spawn_app_with};

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

fn content_type(response: &reqwest::Response) -> String {
    header(response, "content-type")
}

#[tokio::test]
async fn the_root_serves_the_web_app() {
    let app = spawn_app().await;

    let response = app.get("/").await;

    assert_eq!(response.status().as_u16(), 200);
    assert!(content_type(&response).starts_with("text/html"));
    let html = response.text().await.expect("body");
    assert!(html.contains("<title>Mailroom</title>"));
}

#[tokio::test]
async fn a_client_side_route_is_answered_with_the_web_app_so_reloads_work() {
    let app = spawn_app().await;

    let response = app.get("/mailings/42/attempts").await;

    assert_eq!(response.status().as_u16(), 200);
    assert!(content_type(&response).starts_with("text/html"));
    assert!(
        response
            .text()
            .await
            .expect("body")
            .contains("<title>Mailroom</title>")
    );
}

#[tokio::test]
async fn an_asset_is_served_as_itself() {
    let app = spawn_app().await;

    let response = app.get("/app-3f2a.js").await;

    assert_eq!(response.status().as_u16(), 200);
    assert!(content_type(&response).contains("javascript"));
    assert_eq!(
        response.text().await.expect("body"),
        "console.log('mailroom');"
    );
}

#[tokio::test]
async fn a_missing_asset_is_a_404_problem_rather_than_the_web_app() {
    let app = spawn_app().await;

    let response = app.get("/app-0000.js").await;

    problem(response, 404).await;
}

#[tokio::test]
async fn hidden_files_beside_the_web_app_are_never_served() {
    let app = spawn_app().await;

    let response = app.get("/.hidden").await;

    assert_ne!(response.status().as_u16(), 200);
    let body = response.text().await.expect("body");
    assert!(!body.contains("not for the web"));
}

#[tokio::test]
async fn a_post_to_a_page_address_is_a_404_problem() {
    let app = spawn_app().await;

    let response = app
        .client
        .post(app.url("/clients"))
        .send()
        .await
        .expect("sent");

    problem(response, 404).await;
}

#[tokio::test]
async fn without_a_built_web_app_pages_are_a_503_problem_saying_how_to_build_it() {
    let app = spawn_app_with(|c| c.spa_dir = Some(c.data_dir.join("not-built"))).await;

    let response = app.get("/").await;

    let body = problem(response, 503).await;
    assert!(
        body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("cargo xtask run")),
        "{body}"
    );
    // Nothing else on disk is served in the app's place.
    let response = app.get("/jwt_secret").await;
    problem(response, 503).await;
}

fn cache_control(response: &reqwest::Response) -> String {
    header(response, "cache-control")
}

#[tokio::test]
async fn fingerprinted_assets_are_kept_for_a_year_and_everything_else_is_revalidated() {
    let app = spawn_app().await;

    let built = app.get("/app-0123456789abcdef.js").await;
    assert_eq!(built.status().as_u16(), 200);
    assert_eq!(cache_control(&built), "public, max-age=31536000, immutable");
    for page in ["/", "/index.html", "/clients/4", "/app-3f2a.js"] {
        let response = app.get(page).await;
        assert_eq!(response.status().as_u16(), 200, "{page}");
        assert_eq!(cache_control(&response), "no-cache", "{page}");
    }

    let missing = app.get("/app-ffffffffffffffff.js").await;
    assert_eq!(missing.status().as_u16(), 404);
    assert!(!cache_control(&missing).contains("immutable"));
}
