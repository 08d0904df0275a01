//! `/manage/suppressions`: every owner's suppression list with its owners, read-only; the
//! export holds what the search shows.

use leptos::prelude::*;

use super::owners::owners;
use crate::api::{self, ApiError};
use crate::components::guard::ManagersOnly;
use crate::components::list::{ListState, SearchBox};
use crate::components::notice::ApiErrorNotice;
use crate::components::title::PageTitle;
use crate::download::download;
use crate::i18n::{Text, use_i18n};
use crate::pages::suppressions::table::SuppressionTable;
use crate::session::use_session;

#[component]
pub fn AllSuppressions() -> impl IntoView {
    view! { <ManagersOnly><Page /></ManagersOnly> }
}

#[component]
fn Page() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let list = ListState::in_url("-created_at", 20, &[]);
    let owners = owners();
    let export = Action::new_local(move |_: &()| {
        let query = list.query();
        async move {
            let csv = api::suppressions::export(session, &query).await?;
            download("suppressions.csv", &csv)
                .ok_or_else(|| ApiError::Unexpected("the browser refused the download".into()))
        }
    });
    view! {
        <PageTitle text=Text::AllSuppressions />
        <h1>{move || i18n.t(Text::AllSuppressions)}</h1>
        <div class="toolbar">
            <SearchBox list=list label=Text::SearchSuppressions />
            <button type="button" class="secondary" data-testid="export"
                disabled=move || export.pending().get()
                on:click=move |_| { export.dispatch(()); }>
                {move || i18n.t(Text::ExportCsv)}
            </button>
        </div>
        {move || match export.value().get() {
            Some(Err(e)) => Some(view! { <ApiErrorNotice error=e /> }),
            _ => None,
        }}
        <SuppressionTable list=list owner=Signal::derive(|| None) owners=owners />
    }
}
