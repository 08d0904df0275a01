//! `/login`: sign in with email and password, then back to the page that asked for it
//! (`?next=`). `?reason=` says why the last session ended (blocked, expired).

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use mailroom_domain::wire::problem_types;

use crate::api::{self, ApiError};
use crate::components::notice::ApiErrorNotice;
use crate::components::title::PageTitle;
use crate::i18n::{Text, use_i18n};
use crate::session::{Ended, use_session};

/// Only paths of this app: never another site. Browsers read `//host`, `/\host` and slashes
/// split by tabs or newlines as another site, so backslashes, spaces and control characters
/// are refused outright.
fn safe_next(next: Option<String>) -> String {
    next.filter(|n| {
        n.starts_with('/')
            && !n.starts_with("//")
            && !n.starts_with("/login")
            && !n.contains('\\')
            && !n.chars().any(|c| c.is_control() || c.is_whitespace())
    })
    .unwrap_or_else(|| "/dashboard".to_owned())
}

#[component]
pub fn Login() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let query = use_query_map();
    let reason = move || query.with(|q| q.get("reason").and_then(|r| Ended::from_code(&r)));
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let submit = Action::new_local(move |(email, password): &(String, String)| {
        let (email, password) = (email.clone(), password.clone());
        async move {
            let tokens = api::auth::login(email, password).await?;
            session.start(tokens).await
        }
    });
    let pending = submit.pending();
    let resend = Action::new_local(move |email: &String| {
        let email = email.clone();
        async move { api::auth::resend_confirmation(email).await }
    });
    let unconfirmed = move || {
        error.with(|e| {
            matches!(e, Some(ApiError::Problem(p)) if p.kind == problem_types::ACCOUNT_UNCONFIRMED)
        })
    };
    Effect::new(move |_| match submit.value().get() {
        Some(Ok(())) => {
            let next = safe_next(query.with_untracked(|q| q.get("next")));
            navigate(&next, Default::default());
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    view! {
        <PageTitle text=Text::SignIn />
        <h1>{move || i18n.t(Text::SignIn)}</h1>
        {move || reason().map(|reason| view! {
            <p class="notice bad" role="alert" data-testid="session-ended">
                {move || i18n.t(match reason {
                    Ended::Blocked => Text::SessionBlocked,
                    Ended::Expired => Text::SessionExpired,
                    Ended::PasswordChanged => Text::SessionPasswordChanged,
                })}
            </p>
        })}
        <form
            class="card form"
            on:submit=move |ev| {
                ev.prevent_default();
                error.set(None);
                submit.dispatch((email.get(), password.get()));
            }
        >
            <label>
                {move || i18n.t(Text::Email)}
                <input type="email" name="email" autocomplete="username" required
                    on:input=move |ev| email.set(event_target_value(&ev)) />
            </label>
            <label>
                {move || i18n.t(Text::Password)}
                <input type="password" name="password" autocomplete="current-password" required
                    on:input=move |ev| password.set(event_target_value(&ev)) />
            </label>
            {move || error.get().map(|e| view! {
                <p class="notice bad" role="alert" data-testid="login-error">{move || e.message(i18n.lang.get())}</p>
            })}
            // The account waits for its confirmation: a new link is one click away.
            <Show when=unconfirmed>
                {move || match resend.value().get() {
                    Some(Ok(done)) => view! { <p class="notice ok" role="status" data-testid="resent">{done.message}</p> }.into_any(),
                    Some(Err(e)) => view! { <ApiErrorNotice error=e /> }.into_any(),
                    None => view! {
                        <button type="button" class="secondary" data-testid="resend-confirmation"
                            disabled=move || resend.pending().get()
                            on:click=move |_| { resend.dispatch(email.get_untracked()); }>
                            {move || i18n.t(Text::ResendConfirmation)}
                        </button>
                    }.into_any(),
                }}
            </Show>
            <button type="submit" disabled=move || pending.get()>
                {move || i18n.t(if pending.get() { Text::SigningIn } else { Text::SignIn })}
            </button>
        </form>
        <p>
            <A href="/register">{move || i18n.t(Text::CreateAccount)}</A>
            " · "
            <A href="/forgot-password">{move || i18n.t(Text::ForgotPassword)}</A>
        </p>
    }
}
