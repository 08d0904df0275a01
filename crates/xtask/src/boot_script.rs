//! Trunk starts the web app with a module script written inline into `index.html`. Mailroom's
//! Content-Security-Policy allows no inline script, so after each build that script moves into a
//! file of its own, named by a hash of its content like trunk's assets (so it is cached as they
//! are), and `index.html` loads it by address.

use std::hash::{DefaultHasher, Hasher};
use std::path::Path;

const OPEN: &str = "<script";
const CLOSE: &str = "</script>";

/// Moves the one inline script of `dist/index.html` into `dist/boot-<hash>.js`.
pub fn externalize(dist: &Path) -> Result<(), String> {
    let index = dist.join("index.html");
    let html = std::fs::read_to_string(&index)
        .map_err(|e| format!("cannot read {}: {e}", index.display()))?;
    let (html, name, script) = rewrite(&html)?;
    std::fs::write(dist.join(&name), script).map_err(|e| format!("cannot write {name}: {e}"))?;
    std::fs::write(&index, html).map_err(|e| format!("cannot write {}: {e}", index.display()))?;
    println!("  the start-up script is now {name}");
    Ok(())
}

/// The page without its inline script, the script's file name, and the script.
fn rewrite(html: &str) -> Result<(String, String, String), String> {
    let mut inline = Vec::new();
    let mut from = 0;
    while let Some(found) = html[from..].find(OPEN) {
        let start = from + found;
        let tag_end = start
            + html[start..]
                .find('>')
                .ok_or("index.html: a <script> tag does not end")?;
        let body_end = tag_end
            + html[tag_end..]
                .find(CLOSE)
                .ok_or("index.html: a <script> is never closed")?;
        let tag = &html[start..=tag_end];
        if !tag.contains(" src=") {
            inline.push((
                start,
                tag,
                &html[tag_end + 1..body_end],
                body_end + CLOSE.len(),
            ));
        }
        from = body_end + CLOSE.len();
    }
    let [(start, tag, script, end)] = inline[..] else {
        return Err(format!(
            "index.html has {} inline scripts where trunk writes one; its output has changed, \
             and crates/xtask/src/boot_script.rs must follow it",
            inline.len()
        ));
    };
    if !tag.contains("type=\"module\"") {
        return Err(format!(
            "index.html: the inline script is not a module: {tag}"
        ));
    }
    let mut hasher = DefaultHasher::new();
    hasher.write(script.as_bytes());
    let name = format!("boot-{:016x}.js", hasher.finish());
    let page = format!(
        "{}<script type=\"module\" src=\"/{name}\"></script>{}",
        &html[..start],
        &html[end..]
    );
    Ok((page, name, script.trim().to_owned() + "\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUILT: &str = r#"<!DOCTYPE html><html><head>
<link rel="modulepreload" href="/app-0123456789abcdef.js" crossorigin="anonymous">
<script type="module" nonce="abc">
import init, * as bindings from '/app-0123456789abcdef.js';
const wasm = await init({ module_or_path: '/app-0123456789abcdef_bg.wasm' });
</script>
</head><body><script src="/other.js"></script></body></html>"#;

    #[test]
    fn the_inline_script_moves_to_a_file_named_by_its_content() {
        let (page, name, script) = rewrite(BUILT).expect("rewritten");
        assert!(name.starts_with("boot-") && name.ends_with(".js") && name.len() == 24);
        assert!(page.contains(&format!(
            "<script type=\"module\" src=\"/{name}\"></script>"
        )));
        assert!(!page.contains("import init"), "{page}");
        assert!(page.contains("<script src=\"/other.js\"></script>"));
        assert!(script.starts_with("import init, * as bindings"));
        let (_, again, _) = rewrite(BUILT).expect("rewritten");
        assert_eq!(name, again, "the same script, the same name");
        let (_, other, _) = rewrite(&BUILT.replace("bindings", "b")).expect("rewritten");
        assert_ne!(name, other);
    }

    #[test]
    fn a_page_without_exactly_one_inline_script_is_an_error() {
        let (done, _, _) = rewrite(BUILT).expect("rewritten");
        assert!(rewrite(&done).unwrap_err().contains("0 inline scripts"));
        let twice = BUILT.replace("</head>", "<script>alert(1)</script></head>");
        assert!(rewrite(&twice).unwrap_err().contains("2 inline scripts"));
    }
}
