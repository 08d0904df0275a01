//! The Integrations page: a webhook endpoint added (its secret shown once), tested against a
//! real receiver, its delivery log read and a call sent again, disabled, its secret rotated,
//! and deleted.

use crate::browser::Browser;
use crate::receiver::Receiver;
use crate::server::{Options, Server};

#[tokio::test]
async fn a_person_adds_a_webhook_endpoint_tests_it_reads_its_log_and_deletes_it() {
    let server = Server::start_with(Options {
        webhook_allow_private: true,
        no_jobs: true,
        ..Options::default()
    })
    .await;
    let receiver = Receiver::start().await;
    server.user_account("ann@example.org").await;
    let browser = Browser::open(&server.base).await;
    browser.sign_in("ann@example.org").await;
    browser.click("nav a[href='/integrations']").await;
    browser.wait_for_path("/integrations").await;
    browser.text("[data-testid=webhooks-empty]").await;

    // Refused beside their fields, and nothing is added.
    browser.fill(&[("url", "ftp://files.example.com/")]).await;
    browser
        .click("[data-testid=webhook-form] button[type=submit]")
        .await;
    browser
        .wait_for_text_containing("[data-testid=error-url]", "http")
        .await;
    browser
        .wait_for_text_containing("[data-testid=error-events]", "at least one")
        .await;
    assert!(browser.has("[data-testid=webhooks-empty]").await);

    let url = receiver.url("/hooks/mailroom");
    browser
        .fill(&[("url", url.as_str()), ("description", "CRM")])
        .await;
    browser.click("#event-attempt-failed").await;
    browser.click("#event-client-unsubscribed").await;
    browser
        .click("[data-testid=webhook-form] button[type=submit]")
        .await;
    let secret = browser.text("[data-testid=webhook-secret]").await;
    assert!(
        secret.starts_with("whsec_"),
        "the secret is shown: {secret}"
    );
    browser
        .wait_for_text_containing(
            "[data-testid=webhooks]",
            "attempt.failed, client.unsubscribed",
        )
        .await;
    browser.screenshots("integrations").await;

    // A test event reaches the receiver, and the page says how it went.
    browser.click("[data-testid=send-test]").await;
    browser
        .wait_for_text_containing("[data-testid=done]", "HTTP 204")
        .await;
    let calls = receiver.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].event(), "webhook.test");
    assert!(calls[0].header("webhook-signature").starts_with("v1,"));

    browser.click("[data-testid=deliveries-link]").await;
    browser
        .wait_for_text_containing("[data-testid=deliveries-heading]", &url)
        .await;
    browser
        .wait_for_text("[data-testid=delivery-state]", "Delivered")
        .await;
    let answer = browser.text("[data-testid=last-answer]").await;
    assert!(
        answer.starts_with("HTTP 204 · ") && answer.ends_with(" ms"),
        "the receiver's answer and how long it took: {answer}"
    );
    browser.screenshots("webhook-deliveries").await;
    // Sent again: waiting for a worker (none runs here).
    browser.click("[data-testid=resend]").await;
    browser
        .wait_for_text_containing("[data-testid=done]", "Sent again")
        .await;
    browser
        .wait_for_text("[data-testid=delivery-state]", "Waiting")
        .await;

    browser.click("[data-testid=back]").await;
    browser.wait_for_path("/integrations").await;
    browser.click("[data-testid=toggle]").await;
    browser
        .wait_for_text_containing("[data-testid=endpoint-status]", "Disabled")
        .await;
    browser.click("[data-testid=rotate]").await;
    let asked = browser.confirm_dialog().await;
    assert!(asked.contains("Rotate the secret of"), "{asked}");
    browser
        .wait_for_text_containing("[data-testid=done]", "New secret")
        .await;
    let rotated = browser.text("[data-testid=webhook-secret]").await;
    assert!(
        rotated.starts_with("whsec_") && rotated != secret,
        "{rotated}"
    );

    browser.click("[data-testid=delete]").await;
    let asked = browser.confirm_dialog().await;
    assert!(asked.contains("Delete the endpoint"), "{asked}");
    browser.text("[data-testid=webhooks-empty]").await;
    browser.wait_for_gone("[data-testid=webhook-secret]").await;
    browser.close().await;
}
