//! A page of suppression entries as a table: one owner's (with a remove button when they are
//! the reader's own), or, for managers, everyone's with the owner's address.

use std::collections::HashMap;

use leptos::prelude::*;
use mailroom_domain::bounce::SuppressionReason;
use mailroom_domain::wire::Suppression;

use crate::api;
use crate::components::address::Address;
use crate::components::list::{ListState, Paged, SortHeader};
use crate::components::notice::ApiErrorNotice;
use crate::components::when::When;
use crate::download::download;
use crate::i18n::{Text, use_i18n};
use crate::session::use_session;

fn reason_text(reason: SuppressionReason) -> Text {
    match reason {
        SuppressionReason::HardBounce => Text::ReasonHardBounce,
        SuppressionReason::SoftBounce => Text::ReasonSoftBounce,
        SuppressionReason::Complaint => Text::ReasonComplaint,
        SuppressionReason::Manual => Text::ReasonManual,
    }
}

/// **Export CSV** of what the list shows (its search and sort; `owner`'s entries, or everyone's),
/// with the reason when the download fails.
#[component]
pub fn ExportButton(list: ListState, #[prop(into)] owner: Signal<Option<i64>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let export = Action::new_local(move |_: &()| {
        let mut query = list.query();
        query.owner_id = owner.get_untracked();
        async move {
            let csv = api::suppressions::export(session, &query).await?;
            download("suppressions.csv", &csv)
        }
    });
    view! {
        <button type="button" class="secondary" data-testid="export"
            disabled=move || export.pending().get()
            on:click=move |_| { export.dispatch(()); }>
            {move || i18n.t(Text::ExportCsv)}
        </button>
        {move || match export.value().get() {
            Some(Err(e)) => Some(view! { <ApiErrorNotice error=e /> }),
            _ => None,
        }}
    }
}

/// `owner`: one owner's list; `None` lists everyone's (managers), with `owners` naming them.
/// `remove`: what the remove button of one of the reader's own entries does (none: read-only);
/// `busy` disables it while a removal is on its way.
#[component]
pub fn SuppressionTable(
    list: ListState,
    #[prop(into)] owner: Signal<Option<i64>>,
    #[prop(optional, into)] owners: Option<Signal<HashMap<i64, String>>>,
    #[prop(optional, into)] remove: Option<Callback<i64>>,
    #[prop(optional, into)] busy: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let entries = LocalResource::new(move || {
        let mut query = list.query();
        query.owner_id = owner.get();
        async move { api::suppressions::list(session, &query).await }
    });
    let me = session.user_id();
    let row = move |entry: Suppression| {
        let removable = remove.filter(|_| Some(entry.owner_id) == me);
        let (id, owner_id, email_text) = (entry.id, entry.owner_id, entry.email.clone());
        view! {
            <tr data-testid=format!("suppression-{}", entry.email)>
                <td data-label=move || i18n.t(Text::Email)><Address email=entry.email.clone() /></td>
                {owners.map(|owners| view! {
                    <td data-label=move || i18n.t(Text::Owner) data-testid="owner">
                        {move || owners.with(|o| o.get(&owner_id).cloned().unwrap_or_else(|| format!("#{owner_id}")))}
                    </td>
                })}
                <td data-label=move || i18n.t(Text::Reason)>
                    <span class="badge" data-testid="reason">{move || i18n.t(reason_text(entry.reason))}</span>
                </td>
                <td data-label=move || i18n.t(Text::Detail) class="detail">{entry.detail.clone()}</td>
                <td data-label=move || i18n.t(Text::Added)><When at=entry.created_at /></td>
                {remove.is_some().then(|| view! {
                    <td class="row-actions">
                        {removable.map(|remove| view! {
                            <button type="button" class="link danger"
                                aria-label=move || format!("{} {email_text}", i18n.t(Text::Remove))
                                disabled=move || busy.get()
                                on:click=move |_| remove.run(id)>
                                {move || i18n.t(Text::Remove)}
                            </button>
                        })}
                    </td>
                })}
            </tr>
        }
    };
    view! {
        <Paged list=list rows=entries empty=Text::NoSuppressions table={move |items: Vec<Suppression>| view! {
            <div class="table-wrap">
                <table data-testid="suppressions">
                    <thead>
                        <tr>
                            <SortHeader list=list field="email" label=Text::Email />
                            {owners.is_some().then(|| view! { <th scope="col">{move || i18n.t(Text::Owner)}</th> })}
                            <th scope="col">{move || i18n.t(Text::Reason)}</th>
                            <th scope="col">{move || i18n.t(Text::Detail)}</th>
                            <SortHeader list=list field="created_at" label=Text::Added />
                            {remove.is_some().then(|| view! {
                                <th scope="col"><span class="visually-hidden">{move || i18n.t(Text::Actions)}</span></th>
                            })}
                        </tr>
                    </thead>
                    <tbody>{items.into_iter().map(row).collect_view()}</tbody>
                </table>
            </div>
        }} />
    }
}
