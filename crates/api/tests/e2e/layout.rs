//! The frame of the app: the sidebar on a desktop, the menu button and its drawer on a phone, and
//! the way in for a visitor.

use std::time::Duration;

use fantoccini::Locator;

use crate::browser::{Browser, WIDTHS};
use crate::server::Server;

const ANN: &str = "ann@example.org";

/// Whether the element matching `css` is shown (in the layout and not hidden).
async fn shown(browser: &Browser, css: &str) -> bool {
    browser
        .element(Locator::Css(css))
        .await
        .is_displayed()
        .await
        .expect("the element is read")
}

/// The menu button's `aria-expanded`.
async fn expanded(browser: &Browser, css: &str) -> Option<String> {
    browser
        .element(Locator::Css(css))
        .await
        .attr("aria-expanded")
        .await
        .expect("aria-expanded")
}

#[tokio::test]
async fn on_a_phone_the_navigation_opens_from_a_menu_button_in_a_compact_top_bar() {
    let server = Server::start().await;
    server.user_account(ANN).await;
    let browser = Browser::open(&server.base).await;
    browser.sign_in(ANN).await;
    let nav_link = "#sidebar a[href='/clients']";
    assert!(
        shown(&browser, nav_link).await,
        "a desktop shows the sidebar"
    );
    assert!(
        !shown(&browser, "[data-testid=menu-button]").await,
        "and needs no menu button"
    );

    let (_, width, height) = WIDTHS[1];
    browser
        .client
        .set_window_size(width, height)
        .await
        .expect("phone width");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let bar = browser
        .element(Locator::Css("header.topbar"))
        .await
        .rectangle()
        .await
        .expect("the top bar's size");
    assert!(bar.3 <= 64.0, "the top bar is {} px tall", bar.3);
    assert!(!shown(&browser, nav_link).await, "the drawer starts closed");
    let button = "[data-testid=menu-button]";
    assert_eq!(expanded(&browser, button).await.as_deref(), Some("false"));

    browser.click(button).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(shown(&browser, nav_link).await, "the menu opens the drawer");
    let state = browser
        .client
        .execute(
            "return [document.activeElement.closest('#sidebar') !== null, \
                     document.querySelector('main').inert];",
            vec![],
        )
        .await
        .expect("the page's state");
    assert_eq!(
        state,
        serde_json::json!([true, true]),
        "the drawer takes the focus and the page behind it is out of reach"
    );
    assert_eq!(expanded(&browser, button).await.as_deref(), Some("true"));
    browser.screenshot_here("phone-menu-open", "phone").await;

    // Escape closes it; a choice in it closes it and goes there.
    browser
        .element(Locator::Css(nav_link))
        .await
        .send_keys("\u{E00C}")
        .await
        .expect("Escape pressed");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!shown(&browser, nav_link).await, "Escape closes the drawer");
    // The focus goes back to the menu button.
    browser
        .wait_for_script(
            "return document.activeElement.getAttribute('data-testid');",
            serde_json::json!("menu-button"),
        )
        .await;
    browser.click(button).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    browser.click(nav_link).await;
    browser.wait_for_path("/clients").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !shown(&browser, nav_link).await,
        "the drawer closes on the way"
    );
    assert_eq!(expanded(&browser, button).await.as_deref(), Some("false"));
    browser.close().await;
}

#[tokio::test]
async fn a_visitor_is_told_what_mailroom_is_and_offered_to_register_or_sign_in() {
    let server = Server::start().await;
    let browser = Browser::open(&server.base).await;
    browser.goto("/").await;
    assert_eq!(
        browser.text("h1").await,
        "Email mailings, on your own server"
    );
    assert!(
        !browser.has("#sidebar").await,
        "a visitor has no app navigation"
    );
    browser.click("[data-testid=home-register]").await;
    browser.wait_for_path("/register").await;
    browser.close().await;
}

#[tokio::test]
async fn the_page_checks_catch_an_unlabelled_field_low_contrast_and_a_wrapped_badge() {
    let server = Server::start().await;
    let browser = Browser::open(&server.base).await;
    browser.goto("/").await;
    browser.text("h1").await;
    let clean = crate::checks::axe(&browser.client).await;
    assert!(clean.blocking().is_empty(), "{:?}", clean.violations);
    assert!(crate::checks::wrapped(&browser.client).await.is_empty());

    // What the checks exist to catch, put on the page by hand.
    browser
        .client
        .execute(
            "const main = document.querySelector('main'); \
             main.insertAdjacentHTML('beforeend', \
               '<input type=text>' + \
               '<p style=\"color:#bbb;background:#fff\">faint text</p>' + \
               '<span class=badge style=\"display:inline-block;width:3rem;white-space:normal\">Succeeded twice</span>');",
            vec![],
        )
        .await
        .expect("the page is spoiled");
    let spoiled = crate::checks::axe(&browser.client).await;
    let ids: Vec<&str> = spoiled.blocking().iter().map(|v| v.id.as_str()).collect();
    assert!(ids.contains(&"label"), "{ids:?}");
    assert!(ids.contains(&"color-contrast"), "{ids:?}");
    let wrapped = crate::checks::wrapped(&browser.client).await;
    assert!(
        wrapped.iter().any(|w| w.contains("Succeeded twice")),
        "{wrapped:?}"
    );
    browser.close().await;
}

#[tokio::test]
async fn a_link_to_a_later_page_opens_that_page_a_reload_keeps_it_and_a_bad_link_falls_back() {
    let server = Server::start().await;
    let ann = server.user_account(ANN).await;
    for n in 1..=25 {
        server
            .create(
                &ann,
                "/api/v1/clients",
                serde_json::json!({"email": format!("c{n:02}@example.net")}),
            )
            .await;
    }
    let browser = Browser::open(&server.base).await;
    browser.sign_in(ANN).await;
    browser.goto("/clients?page=2&sort=email").await;
    browser
        .wait_for_text("[data-testid=range]", "21–25 of 25")
        .await;
    browser
        .wait_for_text_containing("[data-testid=clients] tbody tr", "c21@example.net")
        .await;
    browser.client.refresh().await.expect("reloaded");
    browser
        .wait_for_text("[data-testid=range]", "21–25 of 25")
        .await;
    assert_eq!(browser.query().await, "page=2&sort=email");
    // A page past the end shows the last one, without a step for Back to undo.
    browser.goto("/clients?page=9").await;
    browser
        .wait_for_text("[data-testid=range]", "21–25 of 25")
        .await;
    assert_eq!(browser.query().await, "page=2");
    browser.client.back().await.expect("back");
    browser.wait_for_path("/clients").await;
    assert_eq!(browser.query().await, "page=2&sort=email");

    // An order the list does not have (an old or hand-edited link) falls back to its own.
    browser.goto("/clients?sort=bogus").await;
    browser
        .wait_for_text("[data-testid=range]", "1–20 of 25")
        .await;
    assert_eq!(
        browser.query().await,
        "",
        "the refused order leaves the address"
    );
    // A mailing that is not there says so, with the way back.
    browser.goto("/mailings/999").await;
    browser.wait_for_text("h1", "Mailing not found").await;
    browser.click("main a[href='/mailings']").await;
    browser.wait_for_path("/mailings").await;
    browser.close().await;
}
