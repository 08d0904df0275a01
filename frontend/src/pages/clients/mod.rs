//! `/clients`: my clients in a searchable, sortable table filtered by tag; create, edit, tag,
//! delete, CSV in and out.

mod bulk;
mod form;
mod tags;
mod transfer;

use leptos::prelude::*;
use mailroom_domain::wire::Client;

use crate::api::{self, ApiError};
use crate::components::address::Address;
use crate::components::dialog::ConfirmDialog;
use crate::components::guard::SignedIn;
use crate::components::list::{ListState, Paged, SearchBox, SortHeader};
use crate::components::notice::{ApiErrorNotice, DoneNotice};
use crate::components::title::PageTitle;
use crate::i18n::{Text, bulk_changed_line, delete_client_question, number, use_i18n};
use crate::session::use_session;
use crate::time;
use bulk::{BulkBar, Selection};
use form::ClientForm;
use tags::TagChips;
use transfer::ImportExport;

/// What the form above the table is doing.
#[derive(Debug, Clone, PartialEq)]
enum Editing {
    New,
    Existing(Client),
}

#[component]
pub fn Clients() -> impl IntoView {
    view! { <SignedIn><ClientsPage /></SignedIn> }
}

#[component]
fn ClientsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let list = ListState::in_url("-created_at", 20, &["tag"]);
    let editing = RwSignal::new(None::<Editing>);
    let notice = RwSignal::new(None::<Result<Text, ApiError>>);
    let clients = LocalResource::new(move || {
        let mut query = list.query();
        query.owner_id = session.user_id();
        let tag = list.filter("tag");
        async move { api::clients::list(session, &query, Some(&tag)).await }
    });
    // The tags to filter by, read again with the list (a change of tags reloads it).
    let tags = LocalResource::new(move || {
        list.query();
        async move { api::tags::list(session).await }
    });
    let remove = Action::new_local(move |client: &Client| {
        let id = client.id;
        async move { api::clients::delete(session, id).await }
    });
    Effect::new(move |_| {
        if let Some(result) = remove.value().get() {
            notice.set(Some(result.map(|()| Text::ClientDeleted)));
            list.reload();
        }
    });
    let to_delete = RwSignal::new(None::<Client>);
    let selection = Selection::new();
    // A new search or tag chooses afresh.
    Effect::new(move |first: Option<()>| {
        list.q.track();
        list.filters.track();
        if first.is_some() {
            selection.clear();
        }
    });
    let shown = Signal::derive(move || {
        clients.with(|c| match c {
            Some(Ok(page)) => page.items.iter().map(|c| c.id).collect::<Vec<i64>>(),
            _ => Vec::new(),
        })
    });
    let total = Signal::derive(move || {
        clients.with(|c| match c {
            Some(Ok(page)) => page.total,
            _ => 0,
        })
    });
    let bulk_notice = RwSignal::new(None::<Result<u64, ApiError>>);
    let bulk_done = move |result: Result<u64, ApiError>| {
        notice.set(None);
        bulk_notice.set(Some(result));
        list.reload();
    };
    let saved = move |_: Client| {
        editing.set(None);
        notice.set(Some(Ok(Text::ClientSaved)));
        list.reload();
    };
    view! {
        <PageTitle text=Text::Clients />
        <div class="page-head">
            <h1>{move || i18n.t(Text::Clients)}</h1>
            <button type="button" data-testid="new-client"
                on:click=move |_| { notice.set(None); editing.set(Some(Editing::New)); }>
                {move || i18n.t(Text::NewClient)}
            </button>
        </div>
        {move || bulk_notice.get().map(|n| match n {
            Ok(changed) => view! { <DoneNotice message=bulk_changed_line(i18n.lang.get(), changed) /> }.into_any(),
            Err(e) => view! { <ApiErrorNotice error=e /> }.into_any(),
        })}
        {move || notice.get().map(|n| match n {
            Ok(text) => view! { <DoneNotice message=i18n.t(text) /> }.into_any(),
            Err(e) => view! { <ApiErrorNotice error=e /> }.into_any(),
        })}
        {move || editing.get().map(|mode| {
            let client = match mode {
                Editing::New => None,
                Editing::Existing(client) => Some(client),
            };
            view! { <ClientForm client=client saved=saved cancel=move |()| editing.set(None) /> }
        })}
        <div class="toolbar">
            <label>
                <span class="visually-hidden">{move || i18n.t(Text::Tag)}</span>
                <select data-testid="tag-filter" prop:value=move || list.filter("tag")
                    on:change=move |ev| list.set_filter("tag", event_target_value(&ev))>
                    <option value="">{move || i18n.t(Text::AllTags)}</option>
                    {move || {
                        let chosen = list.filter("tag");
                        let mut names: Vec<(String, u64)> = tags.get().and_then(Result::ok)
                            .map(|t| t.items.into_iter().map(|t| (t.name, t.clients)).collect())
                            .unwrap_or_default();
                        // A tag from a shared link stays shown even before the list of tags arrives.
                        if !chosen.is_empty() && !names.iter().any(|(n, _)| n.eq_ignore_ascii_case(&chosen)) {
                            names.push((chosen.clone(), 0));
                        }
                        names.into_iter().map(|(name, count)| {
                            let selected = name.eq_ignore_ascii_case(&chosen);
                            let text = format!("{name} ({})", number(i18n.lang.get(), count));
                            view! { <option value=name selected=selected>{text}</option> }
                        }).collect_view()
                    }}
                </select>
            </label>
            <SearchBox list=list label=Text::SearchClients />
        </div>
        <BulkBar list=list selection=selection total=total page=shown done=bulk_done />
        <Paged list=list rows=clients empty=Text::NoClientsYet
            filtered=Signal::derive(move || !list.filter("tag").is_empty()) table={move |items: Vec<Client>| view! {
                        <div class="table-wrap">
                            <table data-testid="clients">
                                <thead>
                                    <tr>
                                        <th scope="col" class="choose">
                                            <input type="checkbox" data-testid="choose-page"
                                                aria-label=move || i18n.t(Text::ChoosePage)
                                                prop:checked=move || shown.with(|p| selection.has_page(p))
                                                on:change=move |ev| shown.with_untracked(|p| selection.toggle_page(p, event_target_checked(&ev))) />
                                        </th>
                                        <SortHeader list=list field="email" label=Text::Email />
                                        <SortHeader list=list field="full_name" label=Text::FullName />
                                        <th scope="col">{move || i18n.t(Text::Tags)}</th>
                                        <th scope="col">{move || i18n.t(Text::Comment)}</th>
                                        <SortHeader list=list field="created_at" label=Text::Added />
                                        <th scope="col"><span class="visually-hidden">{move || i18n.t(Text::Actions)}</span></th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {items.into_iter().map(|client| {
                                        let for_edit = client.clone();
                                        let for_delete = client.clone();
                                        let (id, email) = (client.id, client.email.clone());
                                        view! {
                                            <tr>
                                                <td class="choose">
                                                    <input type="checkbox" data-testid="choose-client"
                                                        aria-label=move || format!("{} {email}", i18n.t(Text::Choose))
                                                        prop:checked=move || selection.all_matching.get() || selection.ids.with(|s| s.contains(&id))
                                                        on:change=move |ev| selection.toggle(id, event_target_checked(&ev)) />
                                                </td>
                                                <td data-label=move || i18n.t(Text::Email)>
                                                    <Address email=client.email.clone() />
                                                    {client.unsubscribed_at.map(|_| view! {
                                                        <span class="badge disabled">{move || i18n.t(Text::Unsubscribed)}</span>
                                                    })}
                                                </td>
                                                <td data-label=move || i18n.t(Text::FullName)>{client.full_name.clone()}</td>
                                                <td data-label=move || i18n.t(Text::Tags)>
                                                    <TagChips client=client.clone()
                                                        show=move |tag: String| list.set_filter("tag", tag)
                                                        changed=move |()| list.reload() />
                                                </td>
                                                <td data-label=move || i18n.t(Text::Comment)>{client.comment.clone()}</td>
                                                <td class="when" data-label=move || i18n.t(Text::Added)>
                                                    {move || time::local(client.created_at, i18n.lang.get())}
                                                </td>
                                                <td class="row-actions">
                                                    <button type="button" class="link"
                                                        on:click=move |_| { notice.set(None); editing.set(Some(Editing::Existing(for_edit.clone()))); }>
                                                        {move || i18n.t(Text::Edit)}
                                                    </button>
                                                    <button type="button" class="link danger"
                                                        on:click=move |_| to_delete.set(Some(for_delete.clone()))>
                                                        {move || i18n.t(Text::Delete)}
                                                    </button>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }} />
        <ImportExport imported=move |()| list.reload() />
        <ConfirmDialog ask=to_delete confirm=Text::Delete danger=true removes_opener=true
            title=move |client: &Client| delete_client_question(i18n.lang.get(), &client.email)
            message=move |_: &Client| i18n.t(Text::DeleteClientConsequence).to_owned()
            on_confirm=move |client: Client| { remove.dispatch(client); } />
    }
}
