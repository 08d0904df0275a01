//! `/u/:token`: the page behind the unsubscribe link in every mailing. It asks first, so that a
//! link scanner opening the page unsubscribes nobody; mail programs post to the link directly.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::unsubscribe::unsubscribe;
use crate::components::title::PageTitle;
use crate::i18n::{Text, use_i18n};

#[component]
pub fn Unsubscribe() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let action = Action::new_unsync(|token: &String| {
        let token = token.clone();
        async move { unsubscribe(&token).await }
    });
    let pending = action.pending();
    let i18n = use_i18n();
    view! {
        <PageTitle text=Text::Unsubscribe />
        <h1>{move || i18n.t(Text::Unsubscribe)}</h1>
        {move || match action.value().get() {
            Some(Ok(done)) => view! {
                <p role="status" data-testid="unsubscribed">
                    {move || i18n.t(Text::UnsubscribeDone)} <strong>{done.email}</strong>
                    {move || i18n.t(Text::UnsubscribeDoneRest)}
                </p>
            }
            .into_any(),
            Some(Err(error)) => view! {
                <p role="alert" class="error">{move || error.message(i18n.lang.get())}</p>
            }
            .into_any(),
            None => view! {
                <p>{move || i18n.t(Text::UnsubscribeQuestion)}</p>
                <button
                    type="button"
                    data-testid="unsubscribe"
                    disabled=move || pending.get()
                    on:click=move |_| {
                        action.dispatch(token());
                    }
                >
                    {move || {
                        i18n.t(if pending.get() { Text::Unsubscribing } else { Text::Unsubscribe })
                    }}
                </button>
            }
            .into_any(),
        }}
    }
}
