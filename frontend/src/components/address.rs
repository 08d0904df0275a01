//! An email address that wraps, when a narrow column makes it, only where a reader expects.

use leptos::prelude::*;
use mailroom_domain::email::line_break_pieces;

#[component]
pub fn Address(#[prop(into)] email: String) -> impl IntoView {
    let parts: Vec<String> = line_break_pieces(&email)
        .into_iter()
        .map(str::to_owned)
        .collect();
    view! {
        <span class="address">
            {parts
                .into_iter()
                .enumerate()
                .map(|(i, part)| view! { {(i > 0).then(|| view! { <wbr /> })}{part} })
                .collect_view()}
        </span>
    }
}
