use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::{Lang, Text, use_i18n};
use crate::session::use_session;

#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = leptos_router::hooks::use_navigate();
    let sign_out = move |_| {
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            session.end().await;
            navigate("/login", Default::default());
        });
    };
    view! {
        <header class="app-header">
            <A href="/" attr:class="brand">"Mailroom"</A>
            <nav class="main-nav" aria-label=move || i18n.t(Text::MainNav)>
                <A href="/">{move || i18n.t(Text::Home)}</A>
                <Show when=move || session.user_id().is_some()>
                    <A href="/dashboard">{move || i18n.t(Text::Dashboard)}</A>
                    <A href="/clients">{move || i18n.t(Text::Clients)}</A>
                    <A href="/messages">{move || i18n.t(Text::Messages)}</A>
                    <A href="/mailings">{move || i18n.t(Text::Mailings)}</A>
                </Show>
                <Show when=move || session.is_manager()>
                    <span class="nav-group" data-testid="manager-menu">
                        <A href="/manage/users">{move || i18n.t(Text::Users)}</A>
                        <A href="/manage/mailings">{move || i18n.t(Text::AllMailings)}</A>
                        <A href="/manage/clients">{move || i18n.t(Text::AllClients)}</A>
                    </span>
                </Show>
            </nav>
            <div class="account">
                <Show
                    when=move || session.user_id().is_some()
                    fallback=move || view! { <A href="/login">{move || i18n.t(Text::SignIn)}</A> }
                >
                    <A href="/profile" attr:data-testid="profile-link"
                        attr:title=move || session.user.get().map(|u| u.email).unwrap_or_default()>
                        {move || i18n.t(Text::Profile)}
                    </A>
                    <button type="button" class="link" data-testid="sign-out" on:click=sign_out.clone()>
                        {move || i18n.t(Text::SignOut)}
                    </button>
                </Show>
            </div>
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
