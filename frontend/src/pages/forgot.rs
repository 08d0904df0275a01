//! `/forgot-password`: ask for a link to choose a new password.

use leptos::prelude::*;

use crate::api;
use crate::components::title::PageTitle;
use crate::i18n::{Text, use_i18n};

#[component]
pub fn Forgot() -> impl IntoView {
    let i18n = use_i18n();
    let email = RwSignal::new(String::new());
    let submit = Action::new_local(|email: &String| {
        let email = email.clone();
        async move { api::auth::forgot(email).await }
    });
    let pending = submit.pending();
    view! {
        <PageTitle text=Text::ForgotPassword />
        <h1>{move || i18n.t(Text::ForgotPassword)}</h1>
        {move || match submit.value().get() {
            Some(Ok(done)) => view! {
                <p class="card" role="status" data-testid="reset-sent">{done.message}</p>
            }
            .into_any(),
            other => view! {
                <form
                    class="card form"
                    novalidate
                    on:submit=move |ev| {
                        ev.prevent_default();
                        submit.dispatch(email.get());
                    }
                >
                    <label>
                        {move || i18n.t(Text::Email)}
                        <input type="email" name="email" autocomplete="email"
                            on:input=move |ev| email.set(event_target_value(&ev)) />
                        {other.and_then(Result::err).map(|e| view! {
                            <span class="field-error" role="alert">
                                {e.field("email").unwrap_or_else(|| e.message(i18n.lang.get()))}
                            </span>
                        })}
                    </label>
                    <button type="submit" disabled=move || pending.get()>
                        {move || i18n.t(Text::SendResetLink)}
                    </button>
                </form>
            }
            .into_any(),
        }}
    }
}
