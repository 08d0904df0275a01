//! `/manage/clients`: everyone's clients with their owners, read-only.

use leptos::prelude::*;
use mailroom_domain::wire::Client;

use super::owners::owners;
use crate::api;
use crate::components::address::Address;
use crate::components::guard::ManagersOnly;
use crate::components::list::{ListState, Paged, SearchBox, SortHeader};
use crate::components::title::PageTitle;
use crate::i18n::{Text, use_i18n};
use crate::session::use_session;
use crate::time;

#[component]
pub fn AllClients() -> impl IntoView {
    view! { <ManagersOnly><Page /></ManagersOnly> }
}

#[component]
fn Page() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let list = ListState::in_url("-created_at", 20, &[]);
    let owners = owners();
    let clients = LocalResource::new(move || {
        let query = list.query();
        async move { api::clients::list(session, &query, None).await }
    });
    view! {
        <PageTitle text=Text::AllClients />
        <h1>{move || i18n.t(Text::AllClients)}</h1>
        <div class="toolbar">
            <SearchBox list=list label=Text::SearchClients />
        </div>
        <Paged list=list rows=clients empty=Text::NothingFound table={move |items: Vec<Client>| view! {
                        <div class="table-wrap">
                            <table data-testid="all-clients">
                                <thead>
                                    <tr>
                                        <SortHeader list=list field="email" label=Text::Email />
                                        <SortHeader list=list field="full_name" label=Text::FullName />
                                        <th scope="col">{move || i18n.t(Text::Owner)}</th>
                                        <SortHeader list=list field="created_at" label=Text::Added />
                                    </tr>
                                </thead>
                                <tbody>
                                    {items.into_iter().map(|client| {
                                        let owner_id = client.owner_id;
                                        view! {
                                            <tr>
                                                <td data-label=move || i18n.t(Text::Email)><Address email=client.email /></td>
                                                <td data-label=move || i18n.t(Text::FullName)>{client.full_name}</td>
                                                <td data-label=move || i18n.t(Text::Owner) data-testid="owner">
                                                    {move || owners.with(|o| o.get(&owner_id).cloned().unwrap_or_else(|| format!("#{owner_id}")))}
                                                </td>
                                                <td class="when" data-label=move || i18n.t(Text::Added)>{move || time::local(client.created_at, i18n.lang.get())}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }} />
    }
}
