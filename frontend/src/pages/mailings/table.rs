//! A page of mailings as a table: mine, or (for managers) everyone's with the owner's address.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos_router::components::A;
use mailroom_domain::wire::Mailing;

use crate::api;
use crate::components::list::{ListState, Paged, SortHeader};
use crate::components::status::StatusBadge;
use crate::i18n::{Text, schedule_text, use_i18n};
use crate::session::use_session;
use crate::time;

/// `owner`: one owner's mailings; `None` lists everyone's (managers), with `owners` naming them.
#[component]
pub fn MailingTable(
    list: ListState,
    #[prop(into)] owner: Signal<Option<i64>>,
    #[prop(optional, into)] owners: Option<Signal<HashMap<i64, String>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let mailings = LocalResource::new(move || {
        let mut query = list.query();
        query.owner_id = owner.get();
        async move { api::mailings::list(session, &query).await }
    });
    let with_owner = owners.is_some();
    view! {
        <Paged list=list rows=mailings empty=Text::NoMailingsYet table={move |items: Vec<Mailing>| view! {
                        <div class="table-wrap">
                            <table data-testid="mailings">
                                <thead>
                                    <tr>
                                        <th scope="col">{move || i18n.t(Text::Message)}</th>
                                        <th scope="col">{move || i18n.t(Text::Status)}</th>
                                        {with_owner.then(|| view! { <th scope="col">{move || i18n.t(Text::Owner)}</th> })}
                                        <SortHeader list=list field="starts_at" label=Text::Starts />
                                        <SortHeader list=list field="ends_at" label=Text::Ends />
                                        <th scope="col" class="number">{move || i18n.t(Text::Clients)}</th>
                                        <th scope="col" class="number">{move || i18n.t(Text::Succeeded)}</th>
                                        <th scope="col" class="number">{move || i18n.t(Text::Failed)}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {items.into_iter().map(|m| {
                                        let owner_id = m.owner_id;
                                        view! {
                                            <tr>
                                                <td class="subject" data-label=move || i18n.t(Text::Message)>
                                                    <A href=format!("/mailings/{}", m.id)>{m.name}</A>
                                                </td>
                                                <td data-label=move || i18n.t(Text::Status)>
                                                    <StatusBadge status=m.status disabled=m.disabled last_run=m.last_run />
                                                </td>
                                                {owners.map(|owners| view! {
                                                    <td data-label=move || i18n.t(Text::Owner) data-testid="owner">
                                                        {move || owners.with(|o| o.get(&owner_id).cloned().unwrap_or_else(|| format!("#{owner_id}")))}
                                                    </td>
                                                })}
                                                <td class="when" data-label=move || i18n.t(Text::Starts)>
                                                    <span class="stacked">
                                                        <time datetime=m.starts_at.to_rfc3339()>{move || time::short(m.starts_at, i18n.lang.get())}</time>
                                                        <span class="hint">{move || i18n.t(schedule_text(m.schedule))}</span>
                                                    </span>
                                                </td>
                                                <td class="when" data-label=move || i18n.t(Text::Ends)>
                                                    <time datetime=m.ends_at.to_rfc3339()>{move || time::short(m.ends_at, i18n.lang.get())}</time>
                                                </td>
                                                <td class="number" data-label=move || i18n.t(Text::Clients)>{m.client_count}</td>
                                                <td class="number" data-label=move || i18n.t(Text::Succeeded)>{m.success_count}</td>
                                                <td class="number" data-label=move || i18n.t(Text::Failed)>{m.failure_count}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }} />
    }
}
