//! Signing in and out in the browser.

use fantoccini::Locator;
use serde_json::json;

use crate::browser::Browser;
use crate::server::{Options, PASSWORD, Server};

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
    // A `next` that browsers would read as another site (`/\example.net`) is not followed.
    browser.goto("/login?next=%2F%5Cexample.net").await;
    browser.screenshots("login").await;
    let wrong = browser
        .fill_login("ann@example.org", "not the password")
        .await;
    assert!(!wrong.is_empty(), "a wrong password is reported");
    browser.screenshots("login-error").await;

    browser.fill_login("ann@example.org", PASSWORD).await;
    browser.wait_for_path("/dashboard").await;
    // Clients but no mailing yet: the way to a first mailing, its first step done.
    browser.text("[data-testid=first-steps]").await;
    assert_eq!(
        browser
            .texts("[data-testid=first-steps] li.done")
            .await
            .len(),
        1,
        "adding clients is done"
    );
    assert_eq!(
        browser.text("[data-testid=signed-in-as]").await,
        "ann@example.org"
    );
    browser.screenshots("dashboard").await;

    // The access token lives in memory; the refresh cookie brings the session back.
    browser.goto("/dashboard").await;
    browser.text("[data-testid=first-steps] li.done").await;

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

#[tokio::test]
async fn a_newcomer_registers_confirms_the_address_from_the_mail_and_signs_in() {
    let server = Server::start().await;
    let browser = Browser::open(&server.base).await;
    browser.goto("/register").await;
    browser
        .fill(&[
            ("full_name", "Ann Lee"),
            ("email", "not an address"),
            ("password", "short"),
        ])
        .await;
    browser.submit().await;
    // What was typed stays as typed (an email input once lost its caret on a space).
    assert!(
        browser
            .text("[data-testid=error-email]")
            .await
            .contains("'not an address'"),
        "the server's message names the address as typed"
    );
    assert!(
        !browser
            .text("[data-testid=error-password]")
            .await
            .is_empty()
    );
    browser.screenshots("register-errors").await;

    browser
        .fill(&[("email", "ann@example.org"), ("password", PASSWORD)])
        .await;
    browser.submit().await;
    assert!(
        browser
            .text("[data-testid=registered]")
            .await
            .contains("inbox")
    );
    browser.screenshots("register-done").await;

    // Signing in before confirming says why it cannot, and offers a new link.
    browser.goto("/login").await;
    let refused = browser.fill_login("ann@example.org", PASSWORD).await;
    assert!(refused.contains("not confirmed"), "{refused}");
    browser.click("[data-testid=resend-confirmation]").await;
    browser.text("[data-testid=resent]").await;
    browser.screenshots("login-unconfirmed").await;

    let link = server
        .link_in_mail_to("ann@example.org", "/confirm?token=")
        .await;
    browser.goto(&link).await;
    assert!(!browser.text("[data-testid=confirmed]").await.is_empty());
    browser.screenshots("confirm").await;

    browser.goto("/login").await;
    browser.fill_login("ann@example.org", PASSWORD).await;
    // A new account starts at the three steps to a first mailing, none done yet.
    browser.text("[data-testid=first-steps]").await;
    assert!(!browser.has("[data-testid=first-steps] li.done").await);
    browser.screenshots("dashboard-first-steps").await;
    browser.close().await;
}

#[tokio::test]
async fn a_forgotten_password_is_replaced_through_the_mailed_link() {
    let server = Server::start().await;
    server.account("ann@example.org").await;
    let browser = Browser::open(&server.base).await;
    browser.goto("/forgot-password").await;
    browser.fill(&[("email", "ann@example.org")]).await;
    browser.submit().await;
    assert!(!browser.text("[data-testid=reset-sent]").await.is_empty());
    browser.screenshots("forgot-password").await;

    let link = server
        .link_in_mail_to("ann@example.org", "/reset-password?token=")
        .await;
    browser.goto(&link).await;
    browser.fill(&[("new_password", "short")]).await;
    browser.submit().await;
    assert!(!browser.text("[data-testid=reset-error]").await.is_empty());
    browser.screenshots("reset-password").await;
    let new_password = "a brand new passphrase";
    browser.fill(&[("new_password", new_password)]).await;
    browser.submit().await;
    assert!(!browser.text("[data-testid=reset-done]").await.is_empty());

    browser.goto("/login").await;
    let refused = browser.fill_login("ann@example.org", PASSWORD).await;
    assert!(!refused.is_empty(), "the old password no longer works");
    browser.fill_login("ann@example.org", new_password).await;
    browser.wait_for_path("/dashboard").await;
    browser.text("[data-testid=first-steps]").await;
    browser.close().await;
}

#[tokio::test]
async fn a_session_outlives_its_short_lived_access_tokens_by_renewing_them() {
    // Tokens of two seconds, refused five seconds after that: an idle page must renew.
    let server = Server::start_with(Options {
        access_token_ttl_seconds: Some(2),
        ..Options::default()
    })
    .await;
    let token = server.account("ann@example.org").await;
    server
        .create(
            &token,
            "/api/v1/clients",
            json!({"email": "bob@example.net"}),
        )
        .await;
    let browser = Browser::open(&server.base).await;
    browser.sign_in("ann@example.org").await;
    tokio::time::sleep(std::time::Duration::from_secs(9)).await;
    browser.click("a[href='/clients']").await;
    browser
        .wait_for_text_containing("[data-testid=clients]", "bob@example.net")
        .await;
    browser.wait_for_path("/clients").await;
    browser.close().await;
}

#[tokio::test]
async fn a_session_ended_elsewhere_sends_the_person_to_sign_in_and_back_to_their_page() {
    let server = Server::start().await;
    let token = server.account("ann@example.org").await;
    let browser = Browser::open(&server.base).await;
    browser.goto("/login?next=%2Fmessages").await;
    browser.fill_login("ann@example.org", PASSWORD).await;
    browser.wait_for_path("/messages").await;

    // A password change elsewhere ends every other session, this browser's too.
    let changed = server
        .http
        .post(format!("{}/api/v1/me/password", server.base))
        .bearer_auth(&token)
        .json(&json!({"current_password": PASSWORD, "new_password": "a brand new passphrase"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(changed.status().as_u16(), 200);

    browser.click("a[href='/clients']").await;
    browser.wait_for_path("/login").await;
    let said = browser.text("[data-testid=session-ended]").await;
    assert!(
        said.contains("password of this account was changed"),
        "{said}"
    );
    browser.screenshots("login-session-ended").await;
    browser
        .fill_login("ann@example.org", "a brand new passphrase")
        .await;
    browser.wait_for_path("/clients").await;
    browser.text("[data-testid=empty]").await;
    browser.close().await;
}
