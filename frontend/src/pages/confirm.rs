//! `/confirm?token=`: the landing page of the confirmation link.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api;
use crate::components::title::PageTitle;
use crate::i18n::{Text, use_i18n};

#[component]
pub fn Confirm() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let token = query.with_untracked(|q| q.get("token").unwrap_or_default());
    let outcome = LocalResource::new(move || {
        let token = token.clone();
        async move { api::auth::confirm(token).await }
    });
    view! {
        <PageTitle text=Text::ConfirmAddress />
        <h1>{move || i18n.t(Text::ConfirmAddress)}</h1>
        <Suspense fallback=move || view! { <p class="muted">{i18n.t(Text::Confirming)}</p> }>
            {move || Suspend::new(async move {
                match outcome.await {
                    Ok(_) => view! {
                        <p class="status up" role="status" data-testid="confirmed">
                            {move || i18n.t(Text::Confirmed)}
                        </p>
                        <p><A href="/login">{move || i18n.t(Text::SignIn)}</A></p>
                    }
                    .into_any(),
                    Err(e) => view! {
                        <p class="status down" role="alert" data-testid="not-confirmed">{move || e.message(i18n.lang.get())}</p>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}
