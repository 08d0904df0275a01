//! The public home page.

use chrono::{Duration, Utc};
use serde_json::json;

use fantoccini::Locator;

use crate::browser::Browser;
use crate::server::Server;

#[tokio::test]
async fn the_home_page_shows_everyones_figures_from_the_api() {
    let server = Server::start().await;
    let token = server.account("ann@example.org").await;
    let bob = server
        .create(
            &token,
            "/api/v1/clients",
            json!({"email": "bob@example.net", "full_name": "Bob"}),
        )
        .await;
    let cy = server
        .create(
            &token,
            "/api/v1/clients",
            json!({"email": "cy@example.net", "full_name": "Cy"}),
        )
        .await;
    let message = server
        .create(
            &token,
            "/api/v1/messages",
            json!({"subject": "News", "body": "Hello {{full_name}}"}),
        )
        .await;
    let now = Utc::now();
    server
        .create(
            &token,
            "/api/v1/mailings",
            json!({
                "message_id": message, "client_ids": [bob, cy],
                "starts_at": (now + Duration::days(1)).to_rfc3339(),
                "ends_at": (now + Duration::days(2)).to_rfc3339(),
            }),
        )
        .await;

    let browser = Browser::open(&server.base).await;
    browser.goto("/").await;
    assert_eq!(browser.text("[data-testid=overview-mailings]").await, "1");
    assert_eq!(browser.text("[data-testid=overview-running]").await, "0");
    assert_eq!(browser.text("[data-testid=overview-recipients]").await, "2");
    assert!(
        browser
            .text("[data-testid=server-status]")
            .await
            .starts_with("Server ready"),
        "the footer reports the server"
    );
    browser.screenshots("home").await;
    browser.close().await;
}

#[tokio::test]
async fn the_language_switch_shows_russian_and_is_remembered_after_a_reload() {
    let server = Server::start().await;
    let browser = Browser::open(&server.base).await;
    browser.goto("/").await;
    assert_eq!(
        browser.text("[data-testid=overview-heading]").await,
        "Across Mailroom"
    );

    let select = browser
        .client
        .find(Locator::Css("[data-testid=language]"))
        .await
        .expect("the language switch");
    select.select_by_value("ru").await.expect("Russian chosen");
    browser
        .wait_for_text("[data-testid=overview-heading]", "Во всём Mailroom")
        .await;
    assert!(
        browser
            .text("[data-testid=server-status]")
            .await
            .starts_with("Сервер готов"),
        "the footer follows"
    );
    browser.screenshots("home-ru").await;

    browser.goto("/").await;
    assert_eq!(
        browser.text("[data-testid=overview-heading]").await,
        "Во всём Mailroom"
    );
    let lang = browser
        .client
        .find(Locator::Css("html"))
        .await
        .expect("html")
        .attr("lang")
        .await
        .expect("lang attribute");
    assert_eq!(lang.as_deref(), Some("ru"));
    browser.close().await;
}
