//! The suppression list page: what is there and why, an address added by hand, one taken off.

use serde_json::json;

use crate::browser::Browser;
use crate::server::Server;

#[tokio::test]
async fn a_person_reads_their_suppression_list_adds_an_address_and_takes_one_off() {
    let server = Server::start().await;
    let token = server.user_account("ann@example.org").await;
    for (email, detail) in [
        ("gone@example.net", "mailbox closed"),
        ("moved@example.net", "asked by phone"),
    ] {
        server
            .create(
                &token,
                "/api/v1/suppressions",
                json!({"email": email, "detail": detail}),
            )
            .await;
    }
    let browser = Browser::open(&server.base).await;
    browser.sign_in("ann@example.org").await;
    browser.click("nav a[href='/suppressions']").await;
    browser.wait_for_path("/suppressions").await;
    browser
        .wait_for_rows(
            "[data-testid=suppressions]",
            &["moved@example.net", "gone@example.net"],
        )
        .await;
    assert_eq!(
        browser
            .text("[data-testid='suppression-gone@example.net'] [data-testid=reason]")
            .await,
        "Added by hand"
    );

    // A bad address is refused beside its field, and nothing is added.
    browser.fill(&[("email", "not an address")]).await;
    browser.submit().await;
    browser
        .wait_for_text_containing("[data-testid=error-email]", "email")
        .await;
    browser
        .fill(&[
            ("email", "new@example.net"),
            ("detail", "unsubscribed by letter"),
        ])
        .await;
    browser.submit().await;
    browser
        .wait_for_rows(
            "[data-testid=suppressions]",
            &["new@example.net", "moved@example.net", "gone@example.net"],
        )
        .await;
    // The form is empty again for the next address.
    assert_eq!(
        browser
            .element(fantoccini::Locator::Css("[name=email]"))
            .await
            .prop("value")
            .await
            .expect("its value")
            .as_deref(),
        Some("")
    );
    browser.screenshots("suppressions").await;

    browser
        .click("[data-testid='suppression-gone@example.net'] button.danger")
        .await;
    browser
        .wait_for_rows(
            "[data-testid=suppressions]",
            &["new@example.net", "moved@example.net"],
        )
        .await;
    browser
        .wait_for_text_containing("[data-testid=done]", "next run sends to it again")
        .await;
    browser.close().await;
}
