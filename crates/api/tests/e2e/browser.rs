//! Headless Chromium through chromedriver (WebDriver), one browser per test.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

use crate::checks;

/// Desktop and phone: every screenshot is taken at both.
pub const WIDTHS: [(&str, u32, u32); 2] = [("desktop", 1280, 900), ("phone", 390, 844)];

/// Collects the page's Content-Security-Policy violations, from before its first script.
const WATCH_CSP: &str = r"
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ': ' + (e.blockedURI || 'inline') +
    (e.sourceFile ? ' at ' + e.sourceFile + ':' + e.lineNumber : ''));
});
";

pub struct Browser {
    pub client: Client,
    base: String,
    driver: Child,
    /// chromedriver's own address, for the Chrome DevTools commands WebDriver has no verb for.
    driver_url: String,
    _profile: tempfile::TempDir,
}

fn chromedriver() -> PathBuf {
    let path = std::env::var_os("MAILROOM_TEST_CHROMEDRIVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromedriver"));
    assert!(
        path.is_file(),
        "chromedriver not found at {}: `cargo xtask test` installs Debian's chromium and \
         chromium-driver (or set MAILROOM_TEST_CHROMEDRIVER)",
        path.display()
    );
    path
}

fn chromium() -> String {
    std::env::var("MAILROOM_TEST_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into())
}

/// Where screenshots go: kept after the run, as the tests' artifacts.
pub fn screenshots_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("e2e-screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    dir
}

impl Browser {
    pub async fn open(base: &str) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let driver = Command::new(chromedriver())
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let profile = tempfile::tempdir().expect("profile dir");
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": chromium(),
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            }),
        );
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a Chromium session");
        let browser = Self {
            client,
            base: base.to_owned(),
            driver,
            driver_url: format!("http://127.0.0.1:{port}"),
            _profile: profile,
        };
        // Before any page script runs, on every page: each Content-Security-Policy violation is
        // kept where `csp_violations` reads it (the page's own scripts cannot hide one).
        browser
            .devtools(
                "Page.addScriptToEvaluateOnNewDocument",
                serde_json::json!({ "source": WATCH_CSP }),
            )
            .await;
        browser
    }

    /// A Chrome DevTools protocol command, which chromedriver relays.
    async fn devtools(&self, cmd: &str, params: serde_json::Value) {
        let session = self
            .client
            .session_id()
            .await
            .expect("the session id")
            .expect("a session");
        let answer = reqwest::Client::new()
            .post(format!(
                "{}/session/{session}/goog/cdp/execute",
                self.driver_url
            ))
            .json(&serde_json::json!({ "cmd": cmd, "params": params }))
            .send()
            .await
            .expect("chromedriver answers");
        assert!(
            answer.status().is_success(),
            "{cmd}: {}",
            answer.text().await.unwrap_or_default()
        );
    }

    /// The Content-Security-Policy violations of the page so far, each as "directive: what".
    pub async fn csp_violations(&self) -> Vec<String> {
        let found = self
            .client
            .execute("return window.__cspViolations || [];", vec![])
            .await
            .expect("a script runs");
        serde_json::from_value(found).unwrap_or_default()
    }

    /// The first element `locator` finds, once it is there (10 s at most).
    pub async fn element(&self, locator: Locator<'_>) -> fantoccini::elements::Element {
        let described = format!("{locator:?}");
        self.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(locator)
            .await
            .unwrap_or_else(|e| panic!("{described} appears: {e}"))
    }

    pub async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .expect("page opens");
    }

    /// The text of the first element matching `css`, once it is there (10 s at most). An element
    /// the page replaces between finding and reading it is found again.
    pub async fn text(&self, css: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let element = self.element(Locator::Css(css)).await;
            match element.text().await {
                Ok(text) => return text,
                Err(e) => assert!(Instant::now() < deadline, "the text of {css}: {e}"),
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits (10 s at most) until the first element matching `css` reads `expected`; a page
    /// re-renders after an event, not necessarily before the next WebDriver command.
    pub async fn wait_for_text(&self, css: &str, expected: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let text = self.text(css).await;
            if text == expected {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{css} reads {text:?}, not {expected:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits (10 s at most) until the first element matching `css` contains `expected`.
    pub async fn wait_for_text_containing(&self, css: &str, expected: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let text = self.text(css).await;
            if text.contains(expected) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "{css} reads {text:?}, without {expected:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The texts of every element matching `css` now.
    pub async fn texts(&self, css: &str) -> Vec<String> {
        let mut texts = Vec::new();
        for element in self
            .client
            .find_all(Locator::Css(css))
            .await
            .expect("a search")
        {
            texts.push(element.text().await.unwrap_or_default());
        }
        texts
    }

    /// Whether an element matches `css` now.
    pub async fn has(&self, css: &str) -> bool {
        !self
            .client
            .find_all(Locator::Css(css))
            .await
            .expect("a search")
            .is_empty()
    }

    /// Waits (10 s at most) until nothing matches `css`.
    pub async fn wait_for_gone(&self, css: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.has(css).await {
            assert!(Instant::now() < deadline, "{css} is still there");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The query string the address bar shows now, without the `?`.
    pub async fn query(&self) -> String {
        let url = self.client.current_url().await.expect("the address");
        url.query().unwrap_or_default().to_owned()
    }

    /// Clicks the first element matching `css`, once it is there.
    pub async fn click(&self, css: &str) {
        self.click_at(Locator::Css(css), css).await;
    }

    /// Clicks the element the XPath `path` finds (to pick a row by its text), once it is there.
    pub async fn click_xpath(&self, path: &str) {
        self.click_at(Locator::XPath(path), path).await;
    }

    /// Finds and clicks, again while the element found is replaced before the click lands (the
    /// web app re-renders a list when a search answers): stale for 10 s at most.
    async fn click_at(&self, locator: Locator<'_>, what: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match self.element(locator).await.click().await {
                Ok(_) => return,
                Err(e) if e.to_string().contains("stale element") && Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => panic!("{what} clicked: {e}"),
            }
        }
    }

    /// Types `text` into the element matching `css`, after what it holds.
    pub async fn type_into(&self, css: &str, text: &str) {
        self.element(Locator::Css(css))
            .await
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("typed into {css}: {e}"));
    }

    /// Waits (10 s at most) until the rows of the table matching `css` read, in order, as
    /// `expected` says: each row contains its text.
    pub async fn wait_for_rows(&self, css: &str, expected: &[&str]) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let rows = self.texts(&format!("{css} tbody tr")).await;
            let matches = rows.len() == expected.len()
                && rows
                    .iter()
                    .zip(expected)
                    .all(|(row, text)| row.contains(text));
            if matches {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{css} has rows {rows:?}, not {expected:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Chooses the option reading `label` in the select matching `css`.
    pub async fn choose(&self, css: &str, label: &str) {
        let select = self.element(Locator::Css(css)).await;
        select
            .select_by_label(label)
            .await
            .unwrap_or_else(|e| panic!("{label:?} chosen in {css}: {e}"));
    }

    /// Hands `file` to the file input matching `css`, as a person choosing it would.
    pub async fn upload(&self, css: &str, file: &std::path::Path) {
        self.element(Locator::Css(css))
            .await
            .send_keys(&file.to_string_lossy())
            .await
            .expect("the file is chosen");
    }

    /// Types into the named fields of the page's form, replacing what they held.
    pub async fn fill(&self, fields: &[(&str, &str)]) {
        for (name, value) in fields {
            let input = self.element(Locator::Css(&format!("[name={name}]"))).await;
            input.clear().await.expect("cleared");
            input.send_keys(value).await.expect("typed");
        }
    }

    /// Clicks the form's submit button.
    pub async fn submit(&self) {
        self.client
            .find(Locator::Css("form button[type=submit]"))
            .await
            .expect("the submit button")
            .click()
            .await
            .expect("submitted");
    }

    /// Fills the sign-in form and submits it; returns the error shown, if one shows within a
    /// moment (empty when the page moved on).
    pub async fn fill_login(&self, email: &str, password: &str) -> String {
        self.fill(&[("email", email), ("password", password)]).await;
        self.submit().await;
        match self
            .client
            .wait()
            .at_most(Duration::from_secs(3))
            .for_element(Locator::Css("[data-testid=login-error]"))
            .await
        {
            Ok(error) => error.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// Answers the app's open question dialog with its confirming button; returns what it asked
    /// and said. Checks the dialog is the page's modal one, labelled by its question.
    pub async fn confirm_dialog(&self) -> String {
        let question = self.text("dialog[open] [data-testid=dialog-title]").await;
        let said = self.text("dialog[open] [data-testid=dialog-message]").await;
        let modal = self
            .client
            .execute(
                "const d = document.querySelector('dialog[open]'); \
                 return d.matches(':modal') \
                   && document.getElementById(d.getAttribute('aria-labelledby')).textContent.length > 0 \
                   && d.contains(document.activeElement);",
                vec![],
            )
            .await
            .expect("the dialog is read");
        assert_eq!(
            modal,
            serde_json::Value::Bool(true),
            "the dialog is modal, labelled, and holds the focus"
        );
        self.click("dialog[open] [data-testid=dialog-confirm]")
            .await;
        format!("{question} {said}")
    }

    /// Signs in as `email` with the test password, from the sign-in page to the dashboard.
    pub async fn sign_in(&self, email: &str) {
        self.goto("/login").await;
        assert_eq!(
            self.fill_login(email, crate::server::PASSWORD).await,
            "",
            "{email} signs in"
        );
        self.wait_for_path("/dashboard").await;
    }

    /// Waits (10 s at most) until `script` returns `expected`.
    pub async fn wait_for_script(&self, script: &str, expected: serde_json::Value) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let value = self
                .client
                .execute(script, vec![])
                .await
                .expect("a script runs");
            if value == expected {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "`{script}` returns {value}, not {expected}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits (10 s at most) until the address bar shows `path`.
    pub async fn wait_for_path(&self, path: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let url = self.client.current_url().await.expect("the address");
            if url.path() == path {
                return;
            }
            assert!(Instant::now() < deadline, "the page is {url}, not {path}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Shows the page in the dark colour scheme (or back in the light one), as a browser set to
    /// prefer it would: through Chrome's DevTools protocol, which chromedriver relays.
    pub async fn prefer_dark(&self, dark: bool) {
        let scheme = if dark { "dark" } else { "light" };
        self.devtools(
            "Emulation.setEmulatedMedia",
            serde_json::json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]}),
        )
        .await;
    }

    /// Saves the page as `<name>-desktop.png`, `<name>-phone.png` and their `-dark` twins, and
    /// measures it at each: axe-core finds no serious or critical violation, no badge, header,
    /// date or figure wraps, and the page is no wider than the window. Every page a test visits
    /// comes through here.
    pub async fn screenshots(&self, name: &str) {
        let mut problems = Vec::new();
        for (width_name, width, height) in WIDTHS {
            self.client
                .set_window_size(width, height)
                .await
                .expect("window resized");
            problems.extend(self.measure_and_save(name, width_name).await);
        }
        let (width, height) = (WIDTHS[0].1, WIDTHS[0].2);
        self.client
            .set_window_size(width, height)
            .await
            .expect("window resized");
        assert!(
            problems.is_empty(),
            "the page {name} has problems:\n{}",
            problems.join("\n")
        );
    }

    /// The same at the window's present size only (`width_name` says which it is), for a state
    /// that a change of width would undo (the phone's open drawer).
    pub async fn screenshot_here(&self, name: &str, width_name: &str) {
        let problems = self.measure_and_save(name, width_name).await;
        assert!(
            problems.is_empty(),
            "the page {name} has problems:\n{}",
            problems.join("\n")
        );
    }

    async fn measure_and_save(&self, name: &str, width_name: &str) -> Vec<String> {
        // The app has drawn its page (every page has its heading), not just its loading state.
        self.element(Locator::Css("main h1")).await;
        let mut problems = Vec::new();
        for dark in [false, true] {
            self.prefer_dark(dark).await;
            // The layout and the drawer's transition settle.
            tokio::time::sleep(Duration::from_millis(250)).await;
            let scheme = if dark { "dark" } else { "light" };
            let result = checks::axe(&self.client).await;
            checks::record(name, width_name, scheme, &result);
            for v in result.blocking() {
                problems.push(format!(
                    "{width_name} {scheme}: {} ({}): {} at {:?}",
                    v.id,
                    v.impact.as_deref().unwrap_or("?"),
                    v.help,
                    v.nodes
                ));
            }
            if !dark {
                for text in checks::wrapped(&self.client).await {
                    problems.push(format!("{width_name}: wraps over two lines: {text}"));
                }
                if checks::scrolls_sideways(&self.client).await {
                    problems.push(format!("{width_name}: the page is wider than the window"));
                }
            }
            let png = self.client.screenshot().await.expect("screenshot");
            let suffix = if dark { "-dark" } else { "" };
            let path = screenshots_dir().join(format!("{name}-{width_name}{suffix}.png"));
            std::fs::write(&path, png).expect("screenshot saved");
        }
        self.prefer_dark(false).await;
        for violation in self.csp_violations().await {
            problems.push(format!("Content-Security-Policy violated: {violation}"));
        }
        problems
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}
