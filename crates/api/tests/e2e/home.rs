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

    // The app asks the server for Russian: its field errors come back in Russian.
    browser.goto("/register").await;
    browser
        .fill(&[
            ("full_name", "Аня"),
            ("email", "anya@example.org"),
            ("password", "short"),
        ])
        .await;
    browser.submit().await;
    browser
        .wait_for_text(
            "[data-testid=error-password]",
            "пароль должен содержать не меньше 10 символов",
        )
        .await;
    browser.close().await;
}

#[tokio::test]
async fn the_app_runs_under_its_policy_which_refuses_an_inline_script_and_the_watch_sees_it() {
    let server = Server::start().await;
    let page = reqwest::get(format!("{}/", server.base))
        .await
        .expect("the page");
    let policy = page
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        policy.contains("script-src 'self' 'wasm-unsafe-eval'"),
        "{policy}"
    );
    let html = page.text().await.expect("the page's HTML");
    let scripts: Vec<&str> = html.split("<script").skip(1).collect();
    assert!(!scripts.is_empty(), "the page starts the app with a script");
    for script in scripts {
        let tag = script.split('>').next().unwrap_or_default();
        assert!(tag.contains(" src="), "an inline script: <script{tag}>");
    }

    let browser = Browser::open(&server.base).await;
    browser.goto("/").await;
    browser.element(Locator::Css("main h1")).await;
    assert_eq!(
        browser.csp_violations().await,
        Vec::<String>::new(),
        "the app itself obeys"
    );
    let ran = browser
        .client
        .execute(
            "const s = document.createElement('script'); s.textContent = 'window.__ran = true;'; \
             document.head.appendChild(s); return window.__ran === true;",
            vec![],
        )
        .await
        .expect("a script runs");
    assert_eq!(ran, json!(false), "the inline script was refused");
    // The violation event is queued as a task: it arrives a moment after the refusal.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let violations = browser.csp_violations().await;
        if violations.iter().any(|v| v.starts_with("script-src")) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the refusal is seen: {violations:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    browser.close().await;
}
