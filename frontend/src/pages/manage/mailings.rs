//! `/manage/mailings`: everyone's mailings with their owners; each opens read-only, with the
//! disable and enable buttons.

use leptos::prelude::*;

use super::owners::owners;
use crate::components::guard::ManagersOnly;
use crate::components::list::{ListState, SearchBox};
use crate::components::title::PageTitle;
use crate::i18n::{Text, use_i18n};
use crate::pages::mailings::table::MailingTable;

#[component]
pub fn AllMailings() -> impl IntoView {
    view! { <ManagersOnly><Page /></ManagersOnly> }
}

#[component]
fn Page() -> impl IntoView {
    let i18n = use_i18n();
    let list = ListState::in_url("-created_at", 20, &[]);
    let owners = owners();
    view! {
        <PageTitle text=Text::AllMailings />
        <h1>{move || i18n.t(Text::AllMailings)}</h1>
        <div class="toolbar">
            <SearchBox list=list label=Text::SearchMailings />
        </div>
        <MailingTable list=list owner=Signal::derive(|| None) owners=owners />
    }
}
