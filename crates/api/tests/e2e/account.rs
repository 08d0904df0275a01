//! Signing in and out in the browser.

use fantoccini::Locator;
use serde_json::json;

use crate::browser::Browser;
use crate::server::{PASSWORD, Server};

#[tokio::test]
async fn a_person_signs_in_sees_their_figures_stays_signed_in_on_reload_and_signs_out() {
    let server = Server::start().await;
    let token = server.account("ann@example.org").await;
    for email in ["bob@example.net", "cy@example.net", "dee@example.net"] {
        server
            .create(
                &token,
                "/api/v1/clients",
                json!({"email": email, "full_name": "Someone"}),
            )
            .await;
    }
    let browser = Browser::open(&server.base).await;
    browser.goto("/login").await;
    browser.screenshots("login").await;
    let wrong = browser
        .fill_login("ann@example.org", "not the password")
        .await;
    assert!(!wrong.is_empty(), "a wrong password is reported");
    browser.screenshots("login-error").await;

    browser.fill_login("ann@example.org", PASSWORD).await;
    browser.wait_for_text("[data-testid=my-clients]", "3").await;
    assert_eq!(
        browser.text("[data-testid=signed-in-as]").await,
        "ann@example.org"
    );
    browser.screenshots("dashboard").await;

    // The access token lives in memory; the refresh cookie brings the session back.
    browser.goto("/dashboard").await;
    browser.wait_for_text("[data-testid=my-clients]", "3").await;

    browser
        .client
        .find(Locator::Css("[data-testid=sign-out]"))
        .await
        .expect("the sign-out button")
        .click()
        .await
        .expect("clicked");
    browser.wait_for_path("/login").await;
    browser.goto("/dashboard").await;
    browser.wait_for_path("/login").await;
    browser.close().await;
}
