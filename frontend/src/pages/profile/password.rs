//! Changing my password: every other session ends; this one goes on with fresh tokens.

use leptos::prelude::*;
use mailroom_domain::wire::ChangePasswordRequest;

use crate::api;
use crate::components::field::Field;
use crate::components::notice::{DoneNotice, ErrorNotice};
use crate::i18n::{Text, use_i18n};
use crate::session::use_session;

const FIELDS: [&str; 2] = ["current_password", "new_password"];

#[component]
pub fn PasswordForm() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    // Re-mounts the inputs empty after a change.
    let generation = RwSignal::new(0_u32);
    let change = Action::new_local(move |request: &ChangePasswordRequest| {
        let request = request.clone();
        async move {
            let tokens = api::me::change_password(session, &request).await?;
            session.start(tokens).await
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = change.value().get() {
            current.set(String::new());
            new.set(String::new());
            generation.update(|g| *g += 1);
        }
    });
    let error = move |field: &'static str| {
        Signal::derive(move || {
            change.value().with(|v| match v {
                Some(Err(e)) => e.field(field),
                _ => None,
            })
        })
    };
    view! {
        <form class="card form" data-testid="password-form" novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                change.dispatch(ChangePasswordRequest {
                    current_password: current.get_untracked(),
                    new_password: new.get_untracked(),
                });
            }>
            <h2>{move || i18n.t(Text::ChangePassword)}</h2>
            {move || {
                generation.track();
                view! {
                    <Field label=Text::CurrentPassword name="current_password" kind="password"
                        autocomplete="current-password" value=current error=error("current_password") required=true />
                    <Field label=Text::NewPassword name="new_password" kind="password" hint=Text::PasswordRule
                        autocomplete="new-password" value=new error=error("new_password") required=true />
                }
            }}
            {move || change.value().get().map(|r| match r {
                Ok(()) => view! { <DoneNotice message=i18n.t(Text::PasswordChanged) /> }.into_any(),
                Err(e) => match e.general(&FIELDS, i18n.lang.get()) {
                    Some(m) => view! { <ErrorNotice message=m /> }.into_any(),
                    None => ().into_any(),
                },
            })}
            <div class="actions">
                <button type="submit" disabled=move || change.pending().get()>{move || i18n.t(Text::ChangePassword)}</button>
            </div>
        </form>
    }
}
