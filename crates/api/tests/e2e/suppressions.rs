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

#[tokio::test]
async fn a_manager_reads_every_owners_list_with_its_owner_and_changes_none_of_them() {
    let server = Server::start().await;
    let ann = server.user_account("ann@example.org").await;
    let manager = server.account("manager@example.org").await;
    server
        .create(
            &ann,
            "/api/v1/suppressions",
            json!({"email": "gone@example.net", "detail": "mailbox closed"}),
        )
        .await;
    server
        .create(
            &manager,
            "/api/v1/suppressions",
            json!({"email": "mine@example.net"}),
        )
        .await;
    let browser = Browser::open(&server.base).await;
    browser.sign_in("manager@example.org").await;

    // Their own list holds their own address only, and can be changed.
    browser.click("nav a[href='/suppressions']").await;
    browser
        .wait_for_rows("[data-testid=suppressions]", &["mine@example.net"])
        .await;
    assert!(
        browser
            .has("[data-testid='suppression-mine@example.net'] button.danger")
            .await
    );

    browser.click("a[href='/manage/suppressions']").await;
    browser.wait_for_path("/manage/suppressions").await;
    browser
        .wait_for_rows(
            "[data-testid=suppressions]",
            &["mine@example.net", "gone@example.net"],
        )
        .await;
    assert_eq!(
        browser
            .text("[data-testid='suppression-gone@example.net'] [data-testid=owner]")
            .await,
        "ann@example.org"
    );
    assert!(
        !browser.has("[data-testid=suppressions] tbody button").await,
        "read-only: no remove button, not even for their own"
    );
    browser.screenshots("manage-suppressions").await;
    browser.close().await;
}
