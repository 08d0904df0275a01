//! `/reset-password?token=`: the landing page of the mailed reset link; choose a new password.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api;
use crate::components::title::PageTitle;
use crate::i18n::{Text, use_i18n};

#[component]
pub fn Reset() -> impl IntoView {
    let i18n = use_i18n();
    let token = use_query_map().with_untracked(|q| q.get("token").unwrap_or_default());
    let password = RwSignal::new(String::new());
    let submit = Action::new_local(move |password: &String| {
        let (token, password) = (token.clone(), password.clone());
        async move { api::auth::reset(token, password).await }
    });
    let pending = submit.pending();
    view! {
        <PageTitle text=Text::ChooseNewPassword />
        <h1>{move || i18n.t(Text::ChooseNewPassword)}</h1>
        {move || match submit.value().get() {
            Some(Ok(done)) => view! {
                <p class="status up" role="status" data-testid="reset-done">{done.message}</p>
                <p><A href="/login">{move || i18n.t(Text::SignIn)}</A></p>
            }
            .into_any(),
            other => view! {
                <form
                    class="card form"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        submit.dispatch(password.get());
                    }
                >
                    <label>
                        {move || i18n.t(Text::NewPassword)}
                        <input type="password" name="new_password" autocomplete="new-password"
                            on:input=move |ev| password.set(event_target_value(&ev)) />
                        <span class="muted">{move || i18n.t(Text::PasswordRule)}</span>
                        {other.and_then(Result::err).map(|e| view! {
                            <span class="field-error" role="alert" data-testid="reset-error">
                                {e.field("new_password").unwrap_or_else(|| e.message(i18n.lang.get()))}
                            </span>
                        })}
                    </label>
                    <button type="submit" disabled=move || pending.get()>
                        {move || i18n.t(Text::SetPassword)}
                    </button>
                </form>
            }
            .into_any(),
        }}
    }
}
