//! The browser tab's title for each page, in the chosen language: "Clients · Mailroom".

use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::{Text, use_i18n};

#[component]
pub fn PageTitle(text: Text) -> impl IntoView {
    let i18n = use_i18n();
    view! { <Title text=move || i18n.t(text) /> }
}
