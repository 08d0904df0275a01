use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::{Lang, Text, use_i18n};

#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <header class="app-header">
            <A href="/" attr:class="brand">"Mailroom"</A>
            <nav class="main-nav" aria-label="Main">
                <A href="/">{move || i18n.t(Text::Home)}</A>
                <a href="/docs/" rel="external">{move || i18n.t(Text::ApiDocs)}</a>
            </nav>
            <label class="language">
                <span class="visually-hidden">{move || i18n.t(Text::Language)}</span>
                <select
                    data-testid="language"
                    on:change=move |ev| {
                        let code = event_target_value(&ev);
                        if let Some(lang) = Lang::ALL.into_iter().find(|l| l.code() == code) {
                            i18n.set(lang);
                        }
                    }
                >
                    {Lang::ALL
                        .into_iter()
                        .map(|lang| {
                            view! {
                                <option value=lang.code() selected=move || i18n.lang.get() == lang>
                                    {lang.name()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
        </header>
    }
}
