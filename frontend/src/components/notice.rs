//! How loading, emptiness and failures look, the same on every page.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::i18n::{Text, use_i18n};

/// A failure the person should read, announced to screen readers.
#[component]
pub fn ErrorNotice(#[prop(into)] message: String) -> impl IntoView {
    view! { <p class="notice bad" role="alert" data-testid="error">{message}</p> }
}

/// A failed request, told in the chosen language.
#[component]
pub fn ApiErrorNotice(error: ApiError) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="notice bad" role="alert" data-testid="error">
            {move || error.message(i18n.lang.get())}
        </p>
    }
}

/// A success message, announced politely.
#[component]
pub fn DoneNotice(#[prop(into)] message: String) -> impl IntoView {
    view! { <p class="notice ok" role="status" data-testid="done">{message}</p> }
}

#[component]
pub fn Loading() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="muted" aria-busy="true">{move || i18n.t(Text::Loading)}</p> }
}

/// What a failed load says in place of the content.
pub fn failed(error: ApiError) -> AnyView {
    view! { <ApiErrorNotice error=error /> }.into_any()
}
