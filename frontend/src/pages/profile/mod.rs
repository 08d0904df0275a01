//! `/profile`: my name and my password. API tokens live on `/integrations`.

mod password;

use leptos::prelude::*;

use crate::api;
use crate::components::field::Field;
use crate::components::guard::SignedIn;
use crate::components::notice::{DoneNotice, ErrorNotice};
use crate::components::title::PageTitle;
use crate::i18n::{Text, role_text, use_i18n};
use crate::session::use_session;
use password::PasswordForm;

#[component]
pub fn Profile() -> impl IntoView {
    view! { <SignedIn><ProfilePage /></SignedIn> }
}

#[component]
fn ProfilePage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let user = session.user.get_untracked();
    let email = user.as_ref().map(|u| u.email.clone()).unwrap_or_default();
    let role = user.as_ref().map(|u| u.role);
    let full_name = RwSignal::new(user.map(|u| u.full_name).unwrap_or_default());
    let save = Action::new_local(move |name: &String| {
        let name = name.clone();
        async move { api::me::update(session, name).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(user)) = save.value().get() {
            session.user.set(Some(user));
        }
    });
    let error = Signal::derive(move || {
        save.value().with(|v| match v {
            Some(Err(e)) => e.field("full_name"),
            _ => None,
        })
    });
    view! {
        <PageTitle text=Text::Profile />
        <h1>{move || i18n.t(Text::Profile)}</h1>
        <form class="card form" data-testid="profile-form" novalidate
            on:submit=move |ev| { ev.prevent_default(); save.dispatch(full_name.get_untracked()); }>
            <h2>{move || i18n.t(Text::MyAccount)}</h2>
            <p>
                <span class="muted">{move || i18n.t(Text::Email)}": "</span>{email}
                {role.map(|role| view! { " · " <span class="muted">{move || i18n.t(role_text(role))}</span> })}
            </p>
            <Field label=Text::FullName name="full_name" value=full_name error=error autocomplete="name" />
            {move || save.value().get().map(|r| match r {
                Ok(_) => view! { <DoneNotice message=i18n.t(Text::Saved) /> }.into_any(),
                Err(e) => match e.general(&["full_name"], i18n.lang.get()) {
                    Some(m) => view! { <ErrorNotice message=m /> }.into_any(),
                    None => ().into_any(),
                },
            })}
            <div class="actions">
                <button type="submit" disabled=move || save.pending().get()>{move || i18n.t(Text::Save)}</button>
            </div>
        </form>
        <PasswordForm />
        <p class="card muted" data-testid="tokens-moved">
            {move || i18n.t(Text::TokensLiveInIntegrations)}" "
            <a href="/integrations" data-testid="integrations-link">{move || i18n.t(Text::Integrations)}</a>
        </p>
    }
}
