//! A newcomer's whole way through the app, with mail delivered by a real SMTP server on loopback:
//! sign up, confirm from the received mail, add clients (one by CSV), write a message, create a
//! mailing, send it and watch it reach 100%, read the attempts; then a manager blocks them.

use std::time::Duration;

use serde_json::json;

use crate::browser::Browser;
use crate::server::{Options, PASSWORD, Server};
use crate::smtp::SmtpServer;

const ANN: &str = "ann@example.org";

/// Signs up as Ann in the browser and confirms the address with the link of the received mail.
async fn sign_up(browser: &Browser, smtp: &SmtpServer) {
    browser.goto("/register").await;
    browser
        .fill(&[
            ("full_name", "Ann Lee"),
            ("email", ANN),
            ("password", PASSWORD),
        ])
        .await;
    browser.submit().await;
    browser.text("[data-testid=registered]").await;
    let mail = smtp.nth(ANN, 1).await;
    let token = mail
        .token_for("/confirm")
        .expect("the mail has a confirmation link");
    browser.goto(&format!("/confirm?token={token}")).await;
    browser.text("[data-testid=confirmed]").await;
    browser.sign_in(ANN).await;
}

/// One client through the form, two through a CSV file (one of its rows refused).
async fn add_clients(browser: &Browser) {
    browser.click("a[href='/clients']").await;
    browser.text("[data-testid=empty]").await;
    assert_eq!(
        browser.client.title().await.expect("the title"),
        "Clients · Mailroom",
        "the tab names the page"
    );
    browser.screenshots("clients-empty").await;
    browser.click("[data-testid=new-client]").await;
    browser.fill(&[("email", "not an address")]).await;
    browser.submit().await;
    browser
        .wait_for_text_containing("[data-testid=error-email]", "'not an address'")
        .await;
    browser.screenshots("client-form-error").await;
    browser
        .fill(&[("email", "bob@example.net"), ("full_name", "Bob Stone")])
        .await;
    // The message was about what the field held before: it goes once the field is edited.
    browser.wait_for_text("[data-testid=error-email]", "").await;
    browser.submit().await;
    browser
        .wait_for_text_containing("[data-testid=clients]", "bob@example.net")
        .await;

    let dir = tempfile::tempdir().expect("temp dir");
    let csv = dir.path().join("clients.csv");
    std::fs::write(
        &csv,
        "email,full_name,comment\nreject-cy@example.net,Cy Rejected,a refused address\nnobody,No Address,\n",
    )
    .expect("CSV written");
    browser.upload("[data-testid=import-file]", &csv).await;
    let report = browser
        .wait_for_text_containing("[data-testid=import-report]", "Created 1")
        .await;
    assert!(report.contains("rejected 1"), "{report}");
    assert!(
        report.contains("'nobody'"),
        "the refused row is explained: {report}"
    );
    browser
        .wait_for_rows(
            "[data-testid=clients]",
            &["reject-cy@example.net", "bob@example.net"],
        )
        .await;

    // Sorted by address, Bob comes first; a search keeps only what matches.
    browser.click("[data-testid=clients] th button").await;
    browser
        .wait_for_rows(
            "[data-testid=clients]",
            &["bob@example.net", "reject-cy@example.net"],
        )
        .await;
    browser.type_into("[data-testid=search]", "REJECT").await;
    browser
        .wait_for_rows("[data-testid=clients]", &["reject-cy@example.net"])
        .await;

    // The sort and the search live in the address: a reload shows the same list, and Back
    // undoes one step at a time.
    assert_eq!(browser.query().await, "q=REJECT&sort=email");
    browser.client.refresh().await.expect("reloaded");
    browser
        .wait_for_rows("[data-testid=clients]", &["reject-cy@example.net"])
        .await;
    let typed = browser
        .element(fantoccini::Locator::Css("[data-testid=search]"))
        .await
        .prop("value")
        .await
        .expect("the search's value");
    assert_eq!(typed.as_deref(), Some("REJECT"), "the search box shows it");
    browser.client.back().await.expect("back");
    browser
        .wait_for_rows(
            "[data-testid=clients]",
            &["bob@example.net", "reject-cy@example.net"],
        )
        .await;
    browser.client.back().await.expect("back");
    browser
        .wait_for_rows(
            "[data-testid=clients]",
            &["reject-cy@example.net", "bob@example.net"],
        )
        .await;
    // A shared link opens the list it names.
    browser.goto("/clients?q=REJECT-nobody").await;
    browser.text("[data-testid=empty]").await;
    browser.goto("/clients").await;

    // Bob's row is edited in place; a client added by mistake is deleted.
    browser
        .click_xpath("//tr[contains(., 'bob@example.net')]//button[contains(., 'Edit')]")
        .await;
    browser.fill(&[("comment", "met at the fair")]).await;
    browser.screenshots("client-edit").await;
    browser.submit().await;
    browser
        .wait_for_text_containing("[data-testid=clients]", "met at the fair")
        .await;
    browser.click("[data-testid=new-client]").await;
    browser.fill(&[("email", "oops@example.net")]).await;
    browser.submit().await;
    browser
        .wait_for_text_containing("[data-testid=clients]", "oops@example.net")
        .await;
    browser
        .click_xpath("//tr[contains(., 'oops@example.net')]//button[contains(., 'Delete')]")
        .await;
    // Escape closes the question without deleting; the second time it is confirmed.
    browser
        .text("dialog[open] [data-testid=dialog-title]")
        .await;
    browser.screenshots("client-delete-dialog").await;
    browser
        .element(fantoccini::Locator::Css("dialog[open]"))
        .await
        .send_keys("\u{E00C}")
        .await
        .expect("Escape pressed");
    browser.wait_for_gone("dialog[open]").await;
    assert!(
        browser
            .text("[data-testid=clients]")
            .await
            .contains("oops@example.net"),
        "nothing is deleted when the question is closed"
    );
    browser
        .click_xpath("//tr[contains(., 'oops@example.net')]//button[contains(., 'Delete')]")
        .await;
    let asked = browser.confirm_dialog().await;
    assert!(asked.contains("Delete oops@example.net?"), "{asked}");
    // The row that asked is gone: the focus goes to the page rather than to nowhere.
    browser
        .wait_for_script("return document.activeElement.id;", json!("content"))
        .await;
    browser
        .wait_for_rows(
            "[data-testid=clients]",
            &["reject-cy@example.net", "bob@example.net"],
        )
        .await;
    tag_a_client(browser).await;
    browser.screenshots("clients").await;
}

/// Bob gets a tag from the table; the list narrows to it and back.
async fn tag_a_client(browser: &Browser) {
    browser
        .click_xpath("//tr[contains(., 'bob@example.net')]//button[@data-testid='add-tag']")
        .await;
    browser
        .type_into(
            "[data-testid=client-tags] form input",
            "VIP, winter fair\u{E007}",
        )
        .await;
    browser
        .wait_for_text_containing("[data-testid=clients]", "winter fair")
        .await;
    browser.choose("[data-testid=tag-filter]", "VIP (1)").await;
    browser
        .wait_for_rows("[data-testid=clients]", &["bob@example.net"])
        .await;
    assert!(
        browser.query().await.contains("tag=VIP"),
        "the filter is in the address"
    );
    browser.choose("[data-testid=tag-filter]", "All tags").await;
    browser
        .wait_for_rows(
            "[data-testid=clients]",
            &["reject-cy@example.net", "bob@example.net"],
        )
        .await;
    // Both chosen at once, then tagged in one change.
    browser.click("[data-testid=choose-page]").await;
    browser
        .wait_for_text("[data-testid=selected]", "2 chosen.")
        .await;
    browser.type_into("#bulk-tag", "customer").await;
    browser.screenshots("clients-bulk").await;
    browser.click("[data-testid=bulk-add-tag]").await;
    browser
        .wait_for_text("[data-testid=done]", "2 clients changed.")
        .await;
    // Every chosen client has the tag once the list is read again.
    browser
        .wait_for_script(
            "return [...document.querySelectorAll('[data-testid=client-tags]')]\
             .filter(e => e.textContent.includes('customer')).length;",
            json!(2),
        )
        .await;
    assert!(
        !browser.has("[data-testid=bulk-bar]").await,
        "nothing is chosen after"
    );
}

async fn write_message(browser: &Browser) {
    browser.click("a[href='/messages']").await;
    browser.click("[data-testid=new-message]").await;
    browser
        .fill(&[
            ("subject", "Winter news for {{full_name}}"),
            (
                "body",
                "Hello {{full_name}},\n\nOur winter catalogue is out.",
            ),
        ])
        .await;
    browser
        .wait_for_text("[data-testid=preview-subject]", "Winter news for Ann Lee")
        .await;
    // In Markdown, the server renders the preview: its HTML in a frame that runs nothing.
    browser.choose("select[name=format]", "Markdown").await;
    browser
        .fill(&[(
            "body",
            "Hello **{{full_name}}**,\n\nOur [winter catalogue](https://shop.example/winter) is out.",
        )])
        .await;
    browser
        .wait_for_script(
            "const f = document.querySelector('[data-testid=preview-html]'); \
             return !!f && f.getAttribute('sandbox') === '' \
             && f.getAttribute('srcdoc').includes('<strong>Ann Lee</strong>')",
            serde_json::Value::Bool(true),
        )
        .await;
    let text = browser
        .wait_for_text_containing("[data-testid=preview-text]", "https://shop.example/winter")
        .await;
    assert!(text.contains("Ann Lee"), "the plain-text part: {text}");
    browser.submit().await;
    browser.text("[data-testid=done]").await;
    browser.screenshots("message-editor").await;
    // Saved, it can be tried out: one copy to the signed-in person.
    browser.click("[data-testid=send-test]").await;
    browser
        .wait_for_text_containing("[data-testid=test-sent]", ANN)
        .await;
}

/// Creates the mailing to both clients and returns to its page.
async fn create_mailing(browser: &Browser) {
    browser.click("a[href='/mailings']").await;
    browser.click("[data-testid=new-mailing]").await;
    browser
        .choose("select[name=message_id]", "Winter news for {{full_name}}")
        .await;
    // A segment by tags says how many clients it holds now.
    browser.click("#audience-segment").await;
    browser.type_into("#tags_any", "vip\u{E004}").await;
    browser
        .wait_for_text("[data-testid=audience-size]", "1 client now")
        .await;
    // Typing on into the next box while the size is asked again keeps what is typed.
    browser.type_into("#exclude_tags", "nobody\u{E004}").await;
    browser.type_into("#tags_all", "vip").await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    browser
        .wait_for_script(
            "return [document.querySelector('#tags_any').value, \
             document.querySelector('#exclude_tags').value, \
             document.querySelector('#tags_all').value];",
            json!(["vip", "nobody", "vip"]),
        )
        .await;
    browser.screenshots("audience-picker").await;
    browser.click("#audience-clients").await;
    // Saved without clients, the form says so; the message goes once clients are chosen.
    browser.submit().await;
    browser
        .wait_for_text_containing("[data-testid=error-client_ids]", "client")
        .await;
    // The picker's search keeps the focus while its list reloads under the typing.
    let search = "[data-testid=client-picker] [data-testid=search]";
    browser.type_into(search, "bo").await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    let focused = browser
        .client
        .execute(
            "return document.activeElement.closest('[data-testid=client-picker]') !== null \
             && document.activeElement.type === 'search'",
            vec![],
        )
        .await
        .expect("the focused element");
    assert_eq!(
        focused,
        serde_json::Value::Bool(true),
        "the search keeps the focus"
    );
    browser.type_into(search, "b@").await;
    browser
        .wait_for_text_containing("[data-testid=client-picker] ul.choices", "bob@example.net")
        .await;
    let typed = browser
        .client
        .find(fantoccini::Locator::Css(search))
        .await
        .expect("the search")
        .prop("value")
        .await
        .expect("its value");
    assert_eq!(typed.as_deref(), Some("bob@"));
    browser.click("[data-testid=choose-shown]").await;
    browser
        .wait_for_text("[data-testid=chosen]", "1 chosen")
        .await;
    browser
        .wait_for_text("[data-testid=error-client_ids]", "")
        .await;
    // Four backspaces (WebDriver's key code).
    browser
        .type_into(search, "\u{E003}\u{E003}\u{E003}\u{E003}")
        .await;
    browser
        .wait_for_text_containing("[data-testid=client-picker] ul.choices", "reject-cy")
        .await;
    browser.click("[data-testid=choose-shown]").await;
    browser
        .wait_for_text("[data-testid=chosen]", "2 chosen")
        .await;
    browser.screenshots("mailing-form").await;
    browser.submit().await;
    browser
        .wait_for_text(
            "[data-testid=mailing-subject]",
            "Winter news for {{full_name}}",
        )
        .await;
    browser
        .wait_for_text("[data-testid=mailing-clients]", "2")
        .await;
    // Edited again, the form names the clients it has chosen, not only how many.
    browser.click("[data-testid=edit-mailing]").await;
    browser
        .wait_for_text_containing("[data-testid=client-picker] ul.chips", "bob@example.net")
        .await;
    let chips = browser.text("[data-testid=client-picker] ul.chips").await;
    assert!(chips.contains("reject-cy@"), "{chips}");
    assert!(!chips.contains("more"), "both named: {chips}");
    browser.client.back().await.expect("back to the mailing");
    browser
        .wait_for_text("[data-testid=mailing-clients]", "2")
        .await;
}

#[tokio::test]
async fn a_newcomer_signs_up_and_sends_a_mailing_whose_progress_and_attempts_they_watch() {
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let server = Server::start_with(Options {
        smtp_url: Some(&url),
        ..Options::default()
    })
    .await;
    let browser = Browser::open(&server.base).await;
    sign_up(&browser, &smtp).await;
    assert!(
        !browser.has("[data-testid=manager-menu]").await,
        "a plain user never sees the manager menu"
    );
    add_clients(&browser).await;
    write_message(&browser).await;
    create_mailing(&browser).await;
    browser.screenshots("mailing-detail").await;
    browser.choose("[data-testid=language]", "Русский").await;
    browser
        .wait_for_text("[data-testid=mailing-status]", "Создана")
        .await;
    browser.screenshots("mailing-detail-ru").await;
    browser.choose("[data-testid=language]", "English").await;
    browser
        .wait_for_text("[data-testid=mailing-status]", "Created")
        .await;

    browser.click("[data-testid=send-now]").await;
    browser
        .text("dialog[open] [data-testid=dialog-title]")
        .await;
    browser.screenshots("send-now-dialog").await;
    let question = browser.confirm_dialog().await;
    assert!(
        question.contains("Send to 2 clients now?"),
        "the question says to how many: {question}"
    );
    assert!(
        question.contains("is then skipped"),
        "and what becomes of the scheduled send: {question}"
    );
    browser
        .wait_for_text_containing("[data-testid=progress-text]", "100%")
        .await;
    let progress = browser.text("[data-testid=progress-text]").await;
    assert!(progress.contains("1 sent, 1 failed of 2"), "{progress}");
    browser
        .wait_for_text_containing("[data-testid=attempts]", "bob@example.net")
        .await;
    let attempts = browser.text("[data-testid=attempts]").await;
    assert!(
        attempts.contains("250"),
        "the accepting server's reply: {attempts}"
    );
    assert!(
        attempts.contains("550 5.1.1"),
        "the refusing server's reply: {attempts}"
    );
    assert_eq!(
        browser
            .texts("[data-testid=attempts] [data-testid=event]")
            .await,
        ["Hard bounce"],
        "the refusal of the address is a hard bounce, on its attempt only"
    );
    browser
        .wait_for_text("[data-testid=mailing-bounced]", "1")
        .await;
    browser.screenshots("mailing-sent").await;

    browser.choose("[data-testid=outcome]", "Failed").await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let rows = browser.texts("[data-testid=attempts] tbody tr").await;
        if rows.len() == 1 {
            assert!(rows[0].contains("reject-cy@example.net"), "{rows:?}");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "filtered rows: {rows:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    browser.screenshots("attempts-failed").await;

    // The editor's test copy reached Ann (her confirmation mail was the first).
    let test = smtp.nth(ANN, 2).await;
    assert_eq!(test.subject, "[Test] Winter news for Ann Lee");
    let mail = smtp.nth("bob@example.net", 1).await;
    assert_eq!(mail.subject, "Winter news for Bob Stone");
    // Written in Markdown: both parts arrive, the HTML one rendered.
    assert!(mail.text.contains("Hello **Bob Stone**,"), "{}", mail.text);
    assert!(
        mail.html.contains("Hello <strong>Bob Stone</strong>,"),
        "{}",
        mail.html
    );

    // Bob follows the unsubscribe link of his mail; Ann's list says so.
    let header = mail.list_unsubscribe.expect("a List-Unsubscribe header");
    let at = header.find("/u/").expect("a link to the unsubscribe page");
    let link: String = header[at..].chars().take_while(|c| *c != '>').collect();
    browser.goto(&link).await;
    browser.screenshots("unsubscribe").await;
    browser.click("[data-testid=unsubscribe]").await;
    browser
        .wait_for_text_containing("[data-testid=unsubscribed]", "bob@example.net")
        .await;
    browser.screenshots("unsubscribe-done").await;
    browser.goto("/messages").await;
    browser
        .wait_for_text_containing("[data-testid=messages]", "Winter news")
        .await;
    browser.screenshots("messages").await;
    browser.click("a[href='/mailings']").await;
    browser
        .wait_for_text_containing("[data-testid=mailings]", "Winter news")
        .await;
    browser.screenshots("mailings").await;
    browser.click("a[href='/clients']").await;
    browser
        .wait_for_text_containing("[data-testid=clients]", "unsubscribed")
        .await;

    browser.click("a[href='/dashboard']").await;
    browser.wait_for_text("[data-testid=my-sent]", "1").await;
    browser.wait_for_text("[data-testid=my-failed]", "1").await;
    browser.text("[data-testid=daily-chart]").await;
    browser
        .wait_for_text_containing("[data-testid=mailing-card]", "Winter news")
        .await;
    let card = browser.text("[data-testid=mailing-card]").await;
    assert!(card.contains("Last run: 1 failed"), "{card}");
    assert!(
        browser
            .text("[data-testid=delivered-rate]")
            .await
            .contains("50%"),
        "one of two delivered"
    );
    // Today's bar tells its figures when it has the focus (or is hovered or tapped).
    browser
        .click("[data-testid=daily-chart] .day:last-child")
        .await;
    browser
        .wait_for_text_containing("[data-testid=chart-tip]", "1 succeeded, 1 failed")
        .await;
    browser
        .client
        .execute(
            "document.querySelector('[data-testid=daily-chart]').scrollIntoView({block: 'center'});",
            vec![],
        )
        .await
        .expect("scrolled to the chart");
    browser.screenshots("dashboard-chart").await;
    // Today's attempts and its bounce are both drawn, at every width (the thin bounce bar once
    // squeezed the attempts out of a phone's narrow days).
    for (width_name, width, height) in crate::browser::WIDTHS {
        browser
            .client
            .set_window_size(width, height)
            .await
            .expect("window resized");
        let drawn = browser
            .client
            .execute(
                "const day = document.querySelector('[data-testid=daily-chart] .day:last-child');\
                 return [...day.querySelectorAll('.stack')].map(s => s.getBoundingClientRect().width);",
                vec![],
            )
            .await
            .expect("measured");
        let widths: Vec<f64> = serde_json::from_value(drawn).expect("widths");
        assert!(
            widths.len() == 2 && widths[0] >= 4.0 && widths[1] >= 1.0,
            "at {width_name} width, today's bars are {widths:?} pixels wide"
        );
    }
    let (width, height) = (crate::browser::WIDTHS[0].1, crate::browser::WIDTHS[0].2);
    browser
        .client
        .set_window_size(width, height)
        .await
        .expect("window resized");

    // The profile points to where the tokens are now.
    browser.click("[data-testid=profile-link]").await;
    browser.click("[data-testid=integrations-link]").await;
    browser.wait_for_path("/integrations").await;
    browser.fill(&[("name", "CRM sync")]).await;
    browser
        .click("[data-testid=token-form] button[type=submit]")
        .await;
    let secret = browser.text("[data-testid=token-secret]").await;
    assert!(secret.len() > 20, "the new token is shown: {secret}");
    let name = browser
        .element(fantoccini::Locator::Css(
            "[data-testid=token-form] [name=name]",
        ))
        .await
        .prop("value")
        .await
        .expect("the name field's value");
    assert_eq!(
        name.as_deref(),
        Some(""),
        "the form is ready for the next token"
    );
    browser
        .wait_for_text_containing("[data-testid=tokens]", "CRM sync")
        .await;
    browser.screenshots("integrations-token").await;
    // Revoked, the token leaves the list, and its secret the screen.
    browser
        .click_xpath("//table[@data-testid='tokens']//tr[contains(., 'CRM sync')]//button")
        .await;
    let asked = browser.confirm_dialog().await;
    assert!(asked.contains("Revoke the token “CRM sync”?"), "{asked}");
    browser.wait_for_gone("[data-testid=token-secret]").await;
    browser.text("[data-testid=tokens-empty]").await;
    browser.close().await;
}

#[tokio::test]
async fn a_manager_blocks_a_user_whose_next_action_sends_them_to_sign_in_with_the_reason() {
    let server = Server::start().await;
    server.account("manager@example.org").await;
    let ann = server.user_account(ANN).await;
    let bob = server
        .create(&ann, "/api/v1/clients", json!({"email": "bob@example.net"}))
        .await;
    let message = server
        .create(
            &ann,
            "/api/v1/messages",
            json!({"subject": "Spring sale", "body": "Hello {{full_name}}"}),
        )
        .await;
    let starts = chrono::Utc::now() + chrono::Duration::days(1);
    let mailing = server
        .create(
            &ann,
            "/api/v1/mailings",
            json!({
                "message_id": message, "client_ids": [bob], "schedule": "weekly",
                "starts_at": starts, "ends_at": starts + chrono::Duration::days(30),
            }),
        )
        .await;

    let user = Browser::open(&server.base).await;
    user.sign_in(ANN).await;
    assert!(!user.has("[data-testid=manager-menu]").await);
    user.goto("/manage/users").await;
    user.text("[data-testid=not-found]").await;

    let manager = Browser::open(&server.base).await;
    manager.goto("/login").await;
    manager.fill_login("manager@example.org", PASSWORD).await;
    manager.text("[data-testid=manager-menu]").await;
    manager.click("a[href='/manage/clients']").await;
    manager
        .wait_for_text_containing("[data-testid=all-clients] [data-testid=owner]", ANN)
        .await;
    manager.screenshots("manage-clients").await;
    manager.click("a[href='/manage/mailings']").await;
    manager
        .wait_for_text_containing("[data-testid=mailings] [data-testid=owner]", ANN)
        .await;
    assert!(
        manager
            .text("[data-testid=mailings]")
            .await
            .contains("Spring sale"),
        "mailings are named by their message"
    );
    manager.screenshots("manage-mailings").await;

    // A manager opens anyone's mailing read-only, and disables it.
    manager.click("[data-testid=mailings] a").await;
    manager
        .wait_for_text("[data-testid=mailing-subject]", "Spring sale")
        .await;
    manager
        .wait_for_text("[data-testid=mailing-owner]", ANN)
        .await;
    assert!(
        manager
            .has("a[href='/manage/mailings'][aria-current=page]")
            .await
            && !manager.has("a[href='/mailings'][aria-current=page]").await,
        "the navigation shows the manager in All mailings"
    );
    assert!(
        !manager.has("[data-testid=send-now]").await,
        "not theirs to send"
    );
    manager.click("[data-testid=toggle-disabled]").await;
    let asked = manager.confirm_dialog().await;
    assert!(asked.contains("Disable this mailing?"), "{asked}");
    manager.text("[data-testid=mailing-disabled]").await;
    assert!(
        !manager.has("[data-testid=mailing-status]").await,
        "a disabled mailing shows no other status beside it"
    );
    manager
        .wait_for_text("[data-testid=mailing-next]", "None while disabled")
        .await;
    manager.screenshots("manage-mailing-disabled").await;

    // Its owner is told why Send now is gone.
    user.goto(&format!("/mailings/{mailing}")).await;
    let told = user.text("[data-testid=disabled-notice]").await;
    assert!(told.contains("A manager disabled this mailing"), "{told}");
    assert!(!user.has("[data-testid=send-now]").await);
    user.screenshots("mailing-disabled-owner").await;

    manager.click("a[href='/manage/users']").await;
    let row = format!("[data-testid='user-{ANN}']");
    manager
        .click(&format!("{row} [data-testid=toggle-block]"))
        .await;
    let asked = manager.confirm_dialog().await;
    assert!(asked.contains(&format!("Block {ANN}?")), "{asked}");
    manager
        .wait_for_text(&format!("{row} [data-testid=user-state]"), "Blocked")
        .await;
    manager.screenshots("manage-users").await;

    // The audit log has it on top, and what was done to Ann is a click away.
    manager.click("a[href='/manage/audit']").await;
    manager.wait_for_path("/manage/audit").await;
    manager
        .wait_for_text(
            "[data-testid=audit-entry] [data-testid=audit-action]",
            "Account blocked",
        )
        .await;
    assert_eq!(
        manager
            .text("[data-testid=audit-entry] [data-testid=audit-target]")
            .await,
        ANN
    );
    manager.screenshots("manage-audit").await;
    manager
        .click("[data-testid=audit-entry] [data-testid=audit-target-filter]")
        .await;
    manager
        .wait_for_text_containing("[data-testid=audit-clear]", "Show everything")
        .await;
    assert!(
        manager.query().await.contains("target=user"),
        "the filter is in the address"
    );
    // Only entries about Ann, once the filtered page has replaced the whole one.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let targets = manager.texts("[data-testid=audit-target]").await;
        if !targets.is_empty() && targets.iter().all(|t| t == ANN) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "only Ann's entries: {targets:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // Ann's page still shows; her next step asks the server, which refuses the blocked account.
    user.click("a[href='/clients']").await;
    user.wait_for_path("/login").await;
    let said = user.text("[data-testid=session-ended]").await;
    assert!(said.contains("blocked"), "{said}");
    assert!(
        !user.has("[data-testid=sign-out]").await,
        "Ann is signed out"
    );
    user.screenshots("login-blocked").await;
    user.close().await;
    manager.close().await;
}
