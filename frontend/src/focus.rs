//! Moving the keyboard focus where the person's attention should go next: the page after a
//! skip link or an action that removed its button, a drawer's first link, a field to fix.

use wasm_bindgen::JsCast;

/// The page's main content (`<main id="content" tabindex="-1">`).
pub const PAGE: &str = "#content";

/// Focuses the first element matching `selector`, if there is one.
pub fn focus(selector: &str) {
    if let Some(element) = leptos::prelude::document()
        .query_selector(selector)
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}
