//! The editor's preview: a plain-text message is filled in here as it is typed; a Markdown or
//! HTML one is rendered by the server (the code that renders what is sent) a moment after the
//! typing stops, its HTML shown in a sandboxed frame: a message's markup never enters the app's
//! own page, so opening someone's message runs nothing of it.

use std::time::Duration;

use leptos::prelude::*;
use mailroom_domain::message::MessageFormat;
use mailroom_domain::template::{self, EXAMPLE_EMAIL, EXAMPLE_NAME};
use mailroom_domain::wire::MessagePreviewRequest;

use crate::api;
use crate::i18n::{Text, use_i18n};
use crate::session::use_session;

/// Whom the preview is addressed to, here and on the server.
const EXAMPLE: [(&str, &str); 3] = [
    ("full_name", EXAMPLE_NAME),
    ("email", EXAMPLE_EMAIL),
    ("unsubscribe_url", "https://mailroom.example/u/…"),
];

/// How long the typing rests before the server renders it again.
const SETTLE: Duration = Duration::from_millis(400);

#[component]
pub fn MessagePreviewPanel(
    subject: RwSignal<String>,
    body: RwSignal<String>,
    format: RwSignal<MessageFormat>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    // What the server renders: the message as it was when the typing last settled.
    let asked = RwSignal::new(None::<MessagePreviewRequest>);
    let pending = StoredValue::new(None::<TimeoutHandle>);
    Effect::new(move |_| {
        let request = MessagePreviewRequest {
            subject: subject.get(),
            body: body.get(),
            format: Some(format.get().as_str().to_owned()),
            client_id: None,
        };
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
        if format.get_untracked() == MessageFormat::Text {
            return;
        }
        let handle = set_timeout_with_handle(
            move || {
                pending.set_value(None);
                asked.set(Some(request));
            },
            SETTLE,
        )
        .ok();
        pending.set_value(handle);
    });
    let rendered = LocalResource::new(move || {
        let request = asked.get();
        async move {
            match request {
                Some(request)
                    if request.subject.trim().is_empty() || request.body.trim().is_empty() =>
                {
                    None
                }
                Some(request) => Some(api::messages::preview(session, &request).await),
                None => None,
            }
        }
    });
    let rich = move || format.get() != MessageFormat::Text;
    view! {
        <section class="card preview" aria-labelledby="preview-heading" aria-live="polite">
            <h2 id="preview-heading">{move || i18n.t(Text::Preview)}</h2>
            <p class="muted">{move || i18n.t(Text::PreviewFor)}{format!(" {EXAMPLE_NAME} <{EXAMPLE_EMAIL}>")}</p>
            <Show when=rich fallback=move || view! {
                <p class="preview-subject" data-testid="preview-subject">
                    {move || template::render(&subject.get(), &EXAMPLE)}
                </p>
                <pre class="preview-body" data-testid="preview-body">
                    {move || template::render(&body.get(), &EXAMPLE)}
                </pre>
            }>
                <Transition fallback=move || view! { <p class="muted">{move || i18n.t(Text::Loading)}</p> }>
                    {move || Suspend::new(async move {
                        match rendered.await {
                            None => view! { <p class="muted" data-testid="preview-waiting">{move || i18n.t(Text::PreviewWaits)}</p> }.into_any(),
                            Some(Err(_)) => view! { <p class="field-error" data-testid="preview-failed">{move || i18n.t(Text::PreviewFailed)}</p> }.into_any(),
                            Some(Ok(preview)) => view! {
                                <p class="preview-subject" data-testid="preview-subject">{preview.subject}</p>
                                <h3>{move || i18n.t(Text::HtmlPart)}</h3>
                                // No scripts, no forms, no same-origin: an empty sandbox.
                                <iframe class="preview-html" sandbox="" data-testid="preview-html"
                                    title=move || i18n.t(Text::HtmlPart)
                                    srcdoc=preview.html.unwrap_or_default()></iframe>
                                <h3>{move || i18n.t(Text::PlainPart)}</h3>
                                <pre class="preview-body" data-testid="preview-text">{preview.text}</pre>
                            }.into_any(),
                        }
                    })}
                </Transition>
            </Show>
        </section>
    }
}
