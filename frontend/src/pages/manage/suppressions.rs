//! `/manage/suppressions`: every owner's suppression list with its owners, read-only; the
//! export holds what the search shows.

use leptos::prelude::*;

use super::owners::owners;
use crate::components::guard::ManagersOnly;
use crate::components::list::{ListState, SearchBox};
use crate::components::title::PageTitle;
use crate::i18n::{Text, use_i18n};
use crate::pages::suppressions::table::{ExportButton, SuppressionTable};

#[component]
pub fn AllSuppressions() -> impl IntoView {
    view! { <ManagersOnly><Page /></ManagersOnly> }
}

#[component]
fn Page() -> impl IntoView {
    let i18n = use_i18n();
    let list = ListState::in_url("-created_at", 20, &[]);
    let owners = owners();
    view! {
        <PageTitle text=Text::AllSuppressions />
        <h1>{move || i18n.t(Text::AllSuppressions)}</h1>
        <div class="toolbar">
            <SearchBox list=list label=Text::SearchSuppressions />
            <ExportButton list=list owner=Signal::derive(|| None) />
        </div>
        <SuppressionTable list=list owner=Signal::derive(|| None) owners=owners />
    }
}
