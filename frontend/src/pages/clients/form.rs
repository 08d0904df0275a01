//! Creating or editing one client, with the server's message beside each field.

use leptos::prelude::*;
use mailroom_domain::tag::split_list;
use mailroom_domain::wire::{Client, ClientRequest};
use wasm_bindgen::JsCast;

use crate::api;
use crate::components::field::Field;
use crate::components::notice::ErrorNotice;
use crate::i18n::{Text, use_i18n};
use crate::session::use_session;

const FIELDS: [&str; 4] = ["email", "full_name", "comment", "tags"];

/// The form for a new client (`client` is `None`) or for changing one. `saved` is called with the
/// client as the server stored it.
#[component]
pub fn ClientForm(
    client: Option<Client>,
    #[prop(into)] saved: Callback<Client>,
    #[prop(into)] cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let id = client.as_ref().map(|c| c.id);
    let email = RwSignal::new(client.as_ref().map(|c| c.email.clone()).unwrap_or_default());
    let full_name = RwSignal::new(
        client
            .as_ref()
            .map(|c| c.full_name.clone())
            .unwrap_or_default(),
    );
    let comment = RwSignal::new(
        client
            .as_ref()
            .map(|c| c.comment.clone())
            .unwrap_or_default(),
    );
    let tags = RwSignal::new(client.map(|c| c.tags.join(", ")).unwrap_or_default());
    let save = Action::new_local(move |request: &ClientRequest| {
        let request = request.clone();
        async move {
            match id {
                Some(id) => api::clients::update(session, id, &request).await,
                None => api::clients::create(session, &request).await,
            }
        }
    });
    let error = move |field: &'static str| {
        Signal::derive(move || {
            save.value().with(|v| match v {
                Some(Err(e)) => e.field(field),
                _ => None,
            })
        })
    };
    // The form opens above the table: take the keyboard there.
    request_animation_frame(|| {
        let first = document()
            .query_selector("[data-testid=client-form] input")
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(input) = first {
            let _ = input.focus();
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(client)) = save.value().get() {
            saved.run(client);
        }
    });
    view! {
        <form class="card form" data-testid="client-form" novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(ClientRequest {
                    email: email.get_untracked(),
                    full_name: full_name.get_untracked(),
                    comment: comment.get_untracked(),
                    tags: Some(
                        split_list(&tags.get_untracked())
                            .into_iter()
                            .map(str::to_owned)
                            .collect(),
                    ),
                });
            }>
            <h2>{move || i18n.t(if id.is_some() { Text::EditClient } else { Text::NewClient })}</h2>
            <Field label=Text::Email name="email" kind="email" value=email error=error("email") required=true />
            <Field label=Text::FullName name="full_name" value=full_name error=error("full_name") />
            <Field label=Text::Comment name="comment" value=comment error=error("comment") />
            <Field label=Text::Tags name="tags" value=tags error=error("tags") hint=Text::TagsSeparatedByCommas />
            {move || save.value().with(|v| match v {
                Some(Err(e)) => e.general(&FIELDS, i18n.lang.get()).map(|m| view! { <ErrorNotice message=m /> }),
                _ => None,
            })}
            <div class="actions">
                <button type="submit" disabled=move || save.pending().get()>
                    {move || i18n.t(if save.pending().get() { Text::Saving } else { Text::Save })}
                </button>
                <button type="button" class="secondary" on:click=move |_| cancel.run(())>
                    {move || i18n.t(Text::Cancel)}
                </button>
            </div>
        </form>
    }
}
