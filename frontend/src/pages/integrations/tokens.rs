//! My API tokens for integrations: create one (its secret shown once, with a copy button), see
//! when each was last used, revoke.

use leptos::prelude::*;
use mailroom_domain::wire::NewApiTokenRequest;

use crate::api;
use crate::components::dialog::ConfirmDialog;
use crate::components::field::Field;
use crate::components::notice::{ApiErrorNotice, ErrorNotice, Loading, failed};
use crate::components::secret::SecretOnce;
use crate::i18n::{Text, revoke_question, use_i18n};
use crate::session::use_session;
use crate::time;

#[component]
pub fn Tokens() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let version = RwSignal::new(0_u32);
    let tokens = LocalResource::new(move || {
        version.track();
        async move { api::me::tokens(session).await }
    });
    let name = RwSignal::new(String::new());
    let expires = RwSignal::new(String::new());
    let create = Action::new_local(move |request: &NewApiTokenRequest| {
        let request = request.clone();
        async move { api::me::create_token(session, &request).await }
    });
    let revoke = Action::new_local(move |id: &i64| {
        let id = *id;
        async move { api::me::revoke_token(session, id).await.map(|()| id) }
    });
    let expires_input = NodeRef::<leptos::html::Input>::new();
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if create.value().with(|v| matches!(v, Some(Ok(_)))) {
            // The form is ready for the next token; the secret stays shown below it. The inputs
            // are bound one way: the form itself forgets what was typed.
            name.set(String::new());
            expires.set(String::new());
            if let Some(form) = form.get_untracked() {
                form.reset();
            }
            version.update(|v| *v += 1);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(id)) = revoke.value().get() {
            version.update(|v| *v += 1);
            // A secret that no longer opens anything is not left on the screen.
            if create
                .value()
                .with_untracked(|v| matches!(v, Some(Ok(t)) if t.info.id == id))
            {
                create.value().set(None);
            }
        }
    });
    let to_revoke = RwSignal::new(None::<(i64, String)>);
    let error = move |field: &'static str| {
        Signal::derive(move || {
            create.value().with(|v| match v {
                Some(Err(e)) => e.field(field),
                _ => None,
            })
        })
    };
    let expires_error = RwSignal::new(false);
    let expires_message = move || {
        if expires_error.get() {
            Some(i18n.t(Text::EnterTime).to_owned())
        } else {
            error("expires_at").get()
        }
    };
    view! {
        <section class="card" aria-labelledby="tokens-heading">
            <h2 id="tokens-heading">{move || i18n.t(Text::ApiTokens)}</h2>
            <p class="muted">{move || i18n.t(Text::ApiTokensHint)}</p>
            <form class="form" data-testid="token-form" novalidate node_ref=form
                on:submit=move |ev| {
                    ev.prevent_default();
                    // A half-typed date reads as empty: refuse it rather than make a token that
                    // never expires.
                    let half_typed = expires_input.get().is_some_and(|i| i.validity().bad_input());
                    let text = expires.get_untracked();
                    let expires_at = time::from_input(&text);
                    if half_typed || (!text.trim().is_empty() && expires_at.is_none()) {
                        expires_error.set(true);
                        return;
                    }
                    expires_error.set(false);
                    create.dispatch(NewApiTokenRequest { name: name.get_untracked(), expires_at });
                }>
                <Field label=Text::TokenName name="name" value=name error=error("name") required=true />
                <div class="field">
                    <label for="expires_at">{move || i18n.t(Text::ExpiresOptional)}</label>
                    <input type="datetime-local" id="expires_at" name="expires_at" node_ref=expires_input
                        aria-describedby="expires_at-error"
                        aria-invalid=move || expires_message().is_some().to_string()
                        on:input=move |ev| expires.set(event_target_value(&ev)) />
                    <span class="field-error" id="expires_at-error" data-testid="error-expires_at">
                        {expires_message}
                    </span>
                </div>
                <div class="actions">
                    <button type="submit" disabled=move || create.pending().get()>{move || i18n.t(Text::CreateToken)}</button>
                </div>
            </form>
            {move || create.value().get().map(|r| match r {
                Ok(created) => view! {
                    <SecretOnce secret=created.token hint=Text::TokenShownOnce testid="token-secret" />
                }.into_any(),
                Err(e) => match e.general(&["name", "expires_at"], i18n.lang.get()) {
                    Some(m) => view! { <ErrorNotice message=m /> }.into_any(),
                    None => ().into_any(),
                },
            })}
            {move || revoke.value().get().and_then(Result::err).map(|e| view! { <ApiErrorNotice error=e /> })}
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match tokens.await {
                        Err(e) => failed(e),
                        Ok(list) if list.is_empty() => view! { <p class="empty" data-testid="tokens-empty">{move || i18n.t(Text::NoTokensYet)}</p> }.into_any(),
                        Ok(list) => view! {
                            <div class="table-wrap">
                                <table data-testid="tokens">
                                    <thead>
                                        <tr>
                                            <th scope="col">{move || i18n.t(Text::TokenName)}</th>
                                            <th scope="col">{move || i18n.t(Text::Prefix)}</th>
                                            <th scope="col">{move || i18n.t(Text::Added)}</th>
                                            <th scope="col">{move || i18n.t(Text::Expires)}</th>
                                            <th scope="col">{move || i18n.t(Text::LastUsed)}</th>
                                            <th scope="col"><span class="visually-hidden">{move || i18n.t(Text::Actions)}</span></th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {list.into_iter().map(|token| {
                                            let id = token.id;
                                            let name = token.name.clone();
                                            view! {
                                                <tr>
                                                    <td data-label=move || i18n.t(Text::TokenName)>{token.name}</td>
                                                    <td data-label=move || i18n.t(Text::Prefix)><code>{token.prefix}"…"</code></td>
                                                    <td class="when" data-label=move || i18n.t(Text::Added)>{move || time::local(token.created_at, i18n.lang.get())}</td>
                                                    <td class="when" data-label=move || i18n.t(Text::Expires)>{move || token.expires_at.map(|t| time::local(t, i18n.lang.get())).unwrap_or_else(|| i18n.t(Text::Never).into())}</td>
                                                    <td class="when" data-label=move || i18n.t(Text::LastUsed)>{move || token.last_used_at.map(|t| time::local(t, i18n.lang.get())).unwrap_or_else(|| i18n.t(Text::Never).into())}</td>
                                                    <td class="row-actions">
                                                        <button type="button" class="link danger"
                                                            on:click=move |_| to_revoke.set(Some((id, name.clone())))>
                                                            {move || i18n.t(Text::Revoke)}
                                                        </button>
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any(),
                    }
                })}
            </Suspense>
            <ConfirmDialog ask=to_revoke confirm=Text::Revoke danger=true removes_opener=true
                title=move |(_, name): &(i64, String)| revoke_question(i18n.lang.get(), name)
                message=move |_: &(i64, String)| i18n.t(Text::RevokeConsequence).to_owned()
                on_confirm=move |(id, _): (i64, String)| { revoke.dispatch(id); } />
        </section>
    }
}
