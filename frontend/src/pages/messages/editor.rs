//! `/messages/new` and `/messages/:id`: subject, body and its format, with a live preview for an
//! example client (`preview.rs`); placeholders are checked by the same rules the server uses.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use mailroom_domain::message::MessageFormat;
use mailroom_domain::template;
use mailroom_domain::wire::{Message, MessageRequest};

use super::preview::MessagePreviewPanel;
use super::test_send::TestSendButton;

use crate::api;
use crate::components::dialog::ConfirmDialog;
use crate::components::field::{Field, TextArea};
use crate::components::guard::SignedIn;
use crate::components::notice::{ApiErrorNotice, ErrorNotice, Loading, failed};
use crate::components::title::PageTitle;
use crate::i18n::{Text, template_problem, use_i18n};
use crate::session::use_session;

const FIELDS: [&str; 3] = ["subject", "body", "format"];
const FORMATS: [(MessageFormat, Text); 3] = [
    (MessageFormat::Text, Text::FormatPlain),
    (MessageFormat::Markdown, Text::FormatMarkdown),
    (MessageFormat::Html, Text::FormatHtml),
];

#[component]
pub fn MessageEditor() -> impl IntoView {
    view! { <SignedIn><EditorPage /></SignedIn> }
}

#[component]
fn EditorPage() -> impl IntoView {
    let session = use_session();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let message = LocalResource::new(move || {
        let id = id();
        async move {
            match id {
                Some(id) => api::messages::get(session, id).await.map(Some),
                None => Ok(None),
            }
        }
    });
    view! {
        <PageTitle text=Text::Messages />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match message.await {
                    Ok(message) => view! { <Editor message=message /> }.into_any(),
                    Err(e) => failed(e),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Editor(message: Option<Message>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let id = message.as_ref().map(|m| m.id);
    let subject = RwSignal::new(
        message
            .as_ref()
            .map(|m| m.subject.clone())
            .unwrap_or_default(),
    );
    let format = RwSignal::new(message.as_ref().map(|m| m.format).unwrap_or_default());
    let body = RwSignal::new(message.map(|m| m.body).unwrap_or_default());
    let save = Action::new_local(move |request: &MessageRequest| {
        let request = request.clone();
        async move {
            match id {
                Some(id) => api::messages::update(session, id, &request).await,
                None => api::messages::create(session, &request).await,
            }
        }
    });
    let remove = Action::new_local(move |id: &i64| {
        let id = *id;
        async move { api::messages::delete(session, id).await }
    });
    // A new message moves to its own address, which says it was saved.
    let just_created = use_query_map().with_untracked(|q| q.get("saved").is_some());
    let go = navigate.clone();
    Effect::new(move |_| {
        if let (Some(Ok(saved)), None) = (save.value().get(), id) {
            go(&format!("/messages/{}?saved", saved.id), Default::default());
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = remove.value().get() {
            navigate("/messages", Default::default());
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
    // The preview follows the typing; a broken placeholder is named before saving.
    let problem = move || {
        let (s, b) = (subject.get(), body.get());
        template::placeholders(&s)
            .and(template::placeholders(&b))
            .err()
            .map(|e| template_problem(i18n.lang.get(), &e))
    };
    let to_delete = RwSignal::new(None::<i64>);
    view! {
        <h1>{move || i18n.t(if id.is_some() { Text::EditMessage } else { Text::NewMessage })}</h1>
        <div class="editor">
            <form class="card form" data-testid="message-form" novalidate
                on:submit=move |ev| {
                    ev.prevent_default();
                    save.dispatch(MessageRequest {
                        subject: subject.get_untracked(),
                        body: body.get_untracked(),
                        format: Some(format.get_untracked().as_str().to_owned()),
                    });
                }>
                <Field label=Text::Subject name="subject" value=subject error=error("subject") required=true />
                <div class="field">
                    <label for="format">{move || i18n.t(Text::Format)}</label>
                    <select id="format" name="format" aria-describedby="format-hint format-error"
                        on:change=move |ev| {
                            if let Ok(chosen) = event_target_value(&ev).parse() {
                                format.set(chosen);
                            }
                        }>
                        {FORMATS.into_iter().map(|(value, text)| view! {
                            <option value=value.as_str() selected=move || format.get() == value>{move || i18n.t(text)}</option>
                        }).collect_view()}
                    </select>
                    <span class="hint" id="format-hint">{move || i18n.t(Text::FormatHint)}</span>
                    <span class="field-error" id="format-error" data-testid="error-format">{move || error("format").get()}</span>
                </div>
                <TextArea label=Text::Body name="body" value=body error=error("body") rows=12 />
                <p class="hint">{move || i18n.t(Text::PlaceholdersHint)}</p>
                {move || problem().map(|p| view! { <p class="field-error" data-testid="template-error">{p}</p> })}
                {move || save.value().with(|v| match v {
                    Some(Err(e)) => e.general(&FIELDS, i18n.lang.get()).map(|m| view! { <ErrorNotice message=m /> }.into_any()),
                    Some(Ok(_)) => Some(view! {
                        <p class="notice ok" role="status" data-testid="done">{i18n.t(Text::MessageSaved)}</p>
                    }.into_any()),
                    None => just_created.then(|| view! {
                        <p class="notice ok" role="status" data-testid="done">{i18n.t(Text::MessageSaved)}</p>
                    }.into_any()),
                })}
                {move || remove.value().get().and_then(Result::err).map(|e| view! { <ApiErrorNotice error=e /> })}
                <div class="actions">
                    <button type="submit" disabled=move || save.pending().get()>
                        {move || i18n.t(if save.pending().get() { Text::Saving } else { Text::Save })}
                    </button>
                    // A saved message: the test sends what is saved.
                    {id.map(|id| view! { <TestSendButton message_id=id /> })}
                    {id.map(|id| view! {
                        <button type="button" class="secondary danger"
                            on:click=move |_| to_delete.set(Some(id))>
                            {move || i18n.t(Text::Delete)}
                        </button>
                    })}
                </div>
            </form>
            <MessagePreviewPanel subject=subject body=body format=format />
        </div>
        <ConfirmDialog ask=to_delete confirm=Text::Delete danger=true removes_opener=true
            title=move |_: &i64| i18n.t(Text::DeleteMessageQuestion).to_owned()
            message=move |_: &i64| i18n.t(Text::DeleteMessageConsequence).to_owned()
            on_confirm=move |id: i64| { remove.dispatch(id); } />
    }
}
