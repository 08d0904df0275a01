//! The compact bar at the top of every page: on phones the menu button, then the brand, the
//! language and the account (or, for visitors, sign in and create an account).

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::icon::{Icon, IconView};
use crate::i18n::{Lang, Text, use_i18n};
use crate::session::use_session;

/// "AL" for Ann Lee; the address's first letter when there is no name.
fn initials(name: &str, email: &str) -> String {
    let from_name: String = name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect();
    if from_name.is_empty() {
        email
            .chars()
            .next()
            .map(|c| c.to_uppercase().collect())
            .unwrap_or_default()
    } else {
        from_name
    }
}

#[component]
pub fn TopBar(nav_open: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let signed_in = move || session.user_id().is_some();
    view! {
        <header class="topbar">
            <Show when=signed_in>
                <button type="button" class="menu-button" data-testid="menu-button"
                    aria-controls="sidebar" aria-expanded=move || nav_open.get().to_string()
                    on:click=move |_| nav_open.update(|open| *open = !*open)>
                    <IconView icon=Icon::Menu />
                    <span class="visually-hidden">{move || i18n.t(Text::Menu)}</span>
                </button>
            </Show>
            // A plain link: the router's would mark "/" current on every page.
            <a href=move || if signed_in() { "/dashboard" } else { "/" } class="brand">
                <IconView icon=Icon::Logo />
                "Mailroom"
            </a>
            <span class="spacer"></span>
            <LanguageSwitch />
            <Show
                when=signed_in
                fallback=move || view! {
                    <span class="visitor-links">
                        <A href="/login">{move || i18n.t(Text::SignIn)}</A>
                        <A href="/register" attr:class="button secondary">{move || i18n.t(Text::CreateAccount)}</A>
                    </span>
                }
            >
                <A href="/profile" attr:class="avatar" attr:data-testid="profile-link"
                    attr:title=move || session.user.get().map(|u| u.email).unwrap_or_default()>
                    <span aria-hidden="true">
                        {move || session.user.get().map(|u| initials(&u.full_name, &u.email)).unwrap_or_default()}
                    </span>
                    <span class="visually-hidden">{move || i18n.t(Text::Profile)}</span>
                </A>
            </Show>
        </header>
    }
}

#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    view! {
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
    }
}
