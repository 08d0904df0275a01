//! HTTP caching of the API: ETags, 304 answers and Cache-Control.

use reqwest::Response;
use serde_json::json;

use crate::accounts::Session;
use crate::helpers::{TestApp, spawn_app};

async fn get_if_none_match(app: &TestApp, who: &Session, path: &str, tag: &str) -> Response {
    app.client
        .get(app.url(path))
        .bearer_auth(&who.access)
        .header("If-None-Match", tag)
        .send()
        .await
        .expect("sent")
}

fn header(response: &Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn add_client(app: &TestApp, who: &Session, email: &str) {
    let created = app
        .post_as(
            "/api/v1/clients",
            &who.access,
            &json!({"email": email, "full_name": "Someone"}),
        )
        .await;
    assert_eq!(created.status().as_u16(), 201);
}

#[tokio::test]
async fn a_list_answers_an_etag_and_304_until_it_changes() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    add_client(&app, &ann, "bob@example.org").await;

    let first = app.get_as("/api/v1/clients", &ann.access).await;
    assert_eq!(first.status().as_u16(), 200);
    let tag = header(&first, "etag");
    assert!(tag.starts_with("W/\""), "{tag}");
    assert_eq!(header(&first, "cache-control"), "private, no-cache");

    let again = get_if_none_match(&app, &ann, "/api/v1/clients", &tag).await;
    assert_eq!(again.status().as_u16(), 304);
    assert_eq!(header(&again, "etag"), tag);
    assert_eq!(header(&again, "cache-control"), "private, no-cache");
    assert!(again.bytes().await.expect("body").is_empty());

    add_client(&app, &ann, "cy@example.org").await;
    let changed = get_if_none_match(&app, &ann, "/api/v1/clients", &tag).await;
    assert_eq!(
        changed.status().as_u16(),
        200,
        "a write makes the old tag stale"
    );
    assert_ne!(header(&changed, "etag"), tag);
    let body: serde_json::Value = changed.json().await.expect("JSON");
    assert_eq!(body["total"], 2);
}

#[tokio::test]
async fn another_users_tag_never_gets_their_list_a_304() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let eve = app.user("eve@example.org").await;
    add_client(&app, &ann, "bob@example.org").await;
    add_client(&app, &eve, "dan@example.org").await;
    let anns = app.get_as("/api/v1/clients", &ann.access).await;
    let tag = header(&anns, "etag");

    let eves = get_if_none_match(&app, &eve, "/api/v1/clients", &tag).await;
    assert_eq!(eves.status().as_u16(), 200);
    let body: serde_json::Value = eves.json().await.expect("JSON");
    assert_eq!(body["items"][0]["email"], "dan@example.org");
}

#[tokio::test]
async fn errors_writes_and_downloads_carry_no_etag_and_a_malformed_tag_is_ignored() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;

    let missing = app.get_as("/api/v1/clients/999999", &ann.access).await;
    assert_eq!(missing.status().as_u16(), 404);
    assert!(missing.headers().get("etag").is_none());

    let created = app
        .post_as(
            "/api/v1/clients",
            &ann.access,
            &json!({"email": "bob@example.org", "full_name": "Bob"}),
        )
        .await;
    assert_eq!(created.status().as_u16(), 201);
    assert!(created.headers().get("etag").is_none());

    let export = app.get_as("/api/v1/clients/export", &ann.access).await;
    assert_eq!(export.status().as_u16(), 200);
    assert!(
        export.headers().get("etag").is_none(),
        "a download, not revalidated"
    );

    let odd = get_if_none_match(&app, &ann, "/api/v1/clients", "not a tag").await;
    assert_eq!(odd.status().as_u16(), 200);
    assert!(!header(&odd, "etag").is_empty());
}
