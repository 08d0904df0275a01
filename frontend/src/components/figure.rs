//! A big number with its label, as the home page and the dashboard show figures.

use leptos::prelude::*;

use crate::i18n::{Text, use_i18n};

#[component]
pub fn Figure(label: Text, value: u64, testid: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="figure">
            <span class="figure-value" data-testid=testid>{value.to_string()}</span>
            <span class="figure-label">{move || i18n.t(label)}</span>
        </div>
    }
}
