//! A secret shown this once (an API token, a webhook's signing secret), with a button that copies
//! it: the server never shows it again.

use leptos::prelude::*;

use crate::i18n::{Text, use_i18n};

#[component]
pub fn SecretOnce(
    secret: String,
    /// What the secret is for, and that it is not shown again.
    hint: Text,
    /// The secret's own test id (its notice's is this and `-notice`).
    testid: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    // None until tried; then whether the browser copied it (it may refuse off HTTPS).
    let copied = RwSignal::new(None::<bool>);
    let text = secret.clone();
    let copy = move |_| {
        let text = text.clone();
        leptos::task::spawn_local(async move {
            let promise = window().navigator().clipboard().write_text(&text);
            copied.set(Some(
                wasm_bindgen_futures::JsFuture::from(promise).await.is_ok(),
            ));
        });
    };
    view! {
        <div class="notice ok new-token" role="status" data-testid=format!("{testid}-notice")>
            <p>{move || i18n.t(hint)}</p>
            <code class="secret" data-testid=testid>{secret}</code>
            <button type="button" class="secondary" on:click=copy>
                {move || i18n.t(if copied.get() == Some(true) { Text::Copied } else { Text::Copy })}
            </button>
            {move || (copied.get() == Some(false)).then(|| view! {
                <p class="field-error" role="alert">{move || i18n.t(Text::CopyFailed)}</p>
            })}
        </div>
    }
}
