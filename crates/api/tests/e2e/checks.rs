//! What every page the end-to-end tests visit is measured by, at each width and colour scheme:
//! axe-core's accessibility rules (no violation of impact serious or critical), no badge, table
//! header, date or figure broken over two lines, and no page wider than the window. Each page's
//! axe figures are written to `<screenshots>/axe-report.txt`, the record the closing notes quote.

use std::io::Write;
use std::path::PathBuf;

use serde::Deserialize;

use crate::browser::screenshots_dir;

/// axe-core's script, installed by `cargo xtask test` from the npm registry.
fn axe_script() -> String {
    let path = std::env::var_os("MAILROOM_TEST_AXE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let cache = std::env::var_os("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
                .unwrap_or_default();
            cache.join("mailroom/tools/node_modules/axe-core/axe.min.js")
        });
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core not found at {} ({e}): `cargo xtask test` installs it from npm \
             (or set MAILROOM_TEST_AXE)",
            path.display()
        )
    })
}

#[derive(Debug, Deserialize)]
pub struct Violation {
    pub id: String,
    pub impact: Option<String>,
    pub help: String,
    pub nodes: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct AxeResult {
    pub violations: Vec<Violation>,
    pub passes: usize,
}

impl AxeResult {
    /// The violations that fail a test: of impact serious or critical.
    pub fn blocking(&self) -> Vec<&Violation> {
        self.violations
            .iter()
            .filter(|v| matches!(v.impact.as_deref(), Some("serious" | "critical")))
            .collect()
    }
}

const RUN_AXE: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, { resultTypes: ['violations'] })
  .then(r => done({
    passes: r.passes.length,
    violations: r.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
    })),
  }))
  .catch(e => done({ passes: 0, violations: [{ id: 'axe-error', impact: 'critical', help: String(e), nodes: [] }] }));
"#;

/// Runs axe-core on the page as it is now.
pub async fn axe(client: &fantoccini::Client) -> AxeResult {
    let loaded = client
        .execute("return typeof window.axe === 'object';", vec![])
        .await
        .expect("a script runs");
    if loaded != serde_json::Value::Bool(true) {
        client
            .execute(&format!("{}\nreturn true;", axe_script()), vec![])
            .await
            .expect("axe-core loads into the page");
    }
    let answer = client
        .execute_async(RUN_AXE, vec![])
        .await
        .expect("axe-core runs");
    serde_json::from_value(answer).expect("axe-core's answer")
}

/// Elements that must stay on one line, and the text of those that do not.
const WRAPPED: &str = r#"
// How many lines the boxes of `node`'s content are laid out on (their distinct tops).
const lines = (node, lineHeight) => {
  const range = document.createRange();
  range.selectNodeContents(node);
  const tops = [...range.getClientRects()]
    .filter(r => r.width > 0 && r.height > 1)
    .map(r => r.top)
    .sort((a, b) => a - b);
  let count = tops.length > 0 ? 1 : 0;
  for (let i = 1; i < tops.length; i++) {
    if (tops[i] - tops[i - 1] > lineHeight * 0.6) count++;
  }
  return count;
};
// Inside something shown to screen readers only (a clipped box), as a phone's table headers are.
const clipped = el => {
  for (let e = el; e; e = e.parentElement) {
    const s = getComputedStyle(e);
    if (s.position === 'absolute' && s.clip !== 'auto') return true;
  }
  return false;
};
const wrapped = [];
for (const el of document.querySelectorAll('.badge, th, .when, td.number, time, .nav-item')) {
  if (el.getClientRects().length === 0 || clipped(el)) continue;
  const style = getComputedStyle(el);
  const lineHeight = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.2;
  // A cell may stack two facts on purpose: there each text must keep to one line.
  const texts = el.tagName === 'TD'
    ? [...el.querySelectorAll('*'), el].flatMap(e => [...e.childNodes].filter(n => n.nodeType === 3 && n.textContent.trim()))
    : [el];
  if (texts.some(node => lines(node, lineHeight) > 1)) {
    wrapped.push(el.tagName.toLowerCase() + '.' + el.className + ': ' + el.textContent.trim());
  }
}
return wrapped;
"#;

/// Whether the page is wider than the window (it scrolls sideways).
pub async fn scrolls_sideways(client: &fantoccini::Client) -> bool {
    client
        .execute(
            "return document.scrollingElement.scrollWidth > window.innerWidth + 1;",
            vec![],
        )
        .await
        .expect("a script runs")
        == serde_json::Value::Bool(true)
}

/// The badges, headers, dates and figures broken over more than one line.
pub async fn wrapped(client: &fantoccini::Client) -> Vec<String> {
    let answer = client
        .execute(WRAPPED, vec![])
        .await
        .expect("a script runs");
    serde_json::from_value(answer).expect("a list of texts")
}

/// Adds a page's figures to the report.
pub fn record(page: &str, width: &str, scheme: &str, result: &AxeResult) {
    let by_impact = |impact: &str| {
        result
            .violations
            .iter()
            .filter(|v| v.impact.as_deref() == Some(impact))
            .count()
    };
    let line = format!(
        "{page:<28} {width:<7} {scheme:<5} passes {:>3}  violations: critical {} serious {} moderate {} minor {}{}\n",
        result.passes,
        by_impact("critical"),
        by_impact("serious"),
        by_impact("moderate"),
        by_impact("minor"),
        result
            .violations
            .iter()
            .map(|v| format!(" [{}]", v.id))
            .collect::<String>(),
    );
    let mut report = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(screenshots_dir().join("axe-report.txt"))
        .expect("the report opens");
    report
        .write_all(line.as_bytes())
        .expect("the report is written");
}
