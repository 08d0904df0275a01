use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

use crate::components::title::PageTitle;
use crate::i18n::{Text, use_i18n};

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    view! {
        <PageTitle text=Text::PageNotFound />
        <h1 data-testid="not-found">{move || i18n.t(Text::PageNotFound)}</h1>
        <p>
            {move || i18n.t(Text::NothingAt)}
            <code>{move || location.pathname.get()}</code>
            "."
        </p>
        <p><A href="/">{move || i18n.t(Text::BackHome)}</A></p>
    }
}
