//! `/register`: create an account; the confirmation link arrives by mail.
//!
//! Inputs report what is typed and are never written back: an email input trims what it shows,
//! and writing the trimmed value back would move the caret mid-typing.

use leptos::prelude::*;
use mailroom_domain::wire::RegisterRequest;

use crate::api::{self, ApiError};
use crate::components::title::PageTitle;
use crate::i18n::{Text, use_i18n};

const FIELDS: [&str; 3] = ["full_name", "email", "password"];

#[component]
pub fn Register() -> impl IntoView {
    let i18n = use_i18n();
    let full_name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let submit = Action::new_local(|request: &RegisterRequest| {
        let request = request.clone();
        async move { api::auth::register(request).await }
    });
    let pending = submit.pending();
    let error = move || submit.value().get().and_then(Result::err);
    let field_error = move |name: &'static str| {
        move || {
            error().and_then(|e: ApiError| e.field(name)).map(|message| {
                view! { <span class="field-error" data-testid=format!("error-{name}")>{message}</span> }
            })
        }
    };
    view! {
        <PageTitle text=Text::CreateAccount />
        <h1>{move || i18n.t(Text::CreateAccount)}</h1>
        {move || match submit.value().get() {
            Some(Ok(done)) => view! {
                <p class="card" role="status" data-testid="registered">{done.message}</p>
            }
            .into_any(),
            _ => view! {
                <form
                    class="card form"
                    novalidate
                    on:submit=move |ev| {
                        ev.prevent_default();
                        submit.dispatch(RegisterRequest {
                            full_name: full_name.get(),
                            email: email.get(),
                            password: password.get(),
                        });
                    }
                >
                    <label>
                        {move || i18n.t(Text::FullName)}
                        <input type="text" name="full_name" autocomplete="name" on:input=move |ev| full_name.set(event_target_value(&ev)) />
                        {field_error("full_name")}
                    </label>
                    <label>
                        {move || i18n.t(Text::Email)}
                        <input type="email" name="email" autocomplete="email" on:input=move |ev| email.set(event_target_value(&ev)) />
                        {field_error("email")}
                    </label>
                    <label>
                        {move || i18n.t(Text::Password)}
                        <input type="password" name="password" autocomplete="new-password"
                            on:input=move |ev| password.set(event_target_value(&ev)) />
                        <span class="muted">{move || i18n.t(Text::PasswordRule)}</span>
                        {field_error("password")}
                    </label>
                    {move || error().and_then(|e| e.general(&FIELDS, i18n.lang.get())).map(|message| view! {
                        <p class="status down" role="alert">{message}</p>
                    })}
                    <button type="submit" disabled=move || pending.get()>
                        {move || i18n.t(Text::CreateAccount)}
                    </button>
                </form>
            }
            .into_any(),
        }}
    }
}
