//! `/messages`: my messages; each opens in the editor.

pub mod editor;

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::guard::SignedIn;
use crate::components::list::{ListState, Pager, SearchBox, SortHeader};
use crate::components::notice::{Loading, failed};
use crate::i18n::{Text, use_i18n};
use crate::session::use_session;
use crate::time;

#[component]
pub fn Messages() -> impl IntoView {
    view! { <SignedIn><MessagesPage /></SignedIn> }
}

#[component]
fn MessagesPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let list = ListState::new("-updated_at", 20);
    let messages = LocalResource::new(move || {
        let mut query = list.query();
        query.owner_id = session.user_id();
        async move { api::messages::list(session, &query).await }
    });
    let total = Signal::derive(move || {
        messages
            .get()
            .and_then(|r| r.as_ref().ok().map(|p| p.total))
            .unwrap_or(0)
    });
    view! {
        <div class="page-head">
            <h1>{move || i18n.t(Text::Messages)}</h1>
            <A href="/messages/new" attr:class="button" attr:data-testid="new-message">
                {move || i18n.t(Text::NewMessage)}
            </A>
        </div>
        <div class="toolbar">
            <SearchBox list=list label=Text::SearchMessages />
        </div>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match messages.await {
                    Err(e) => failed(e),
                    Ok(page) if page.items.is_empty() => view! {
                        <p class="empty" data-testid="empty">
                            {move || i18n.t(if list.q.get().is_empty() { Text::NoMessagesYet } else { Text::NothingFound })}
                        </p>
                    }.into_any(),
                    Ok(page) => view! {
                        <div class="table-wrap">
                            <table data-testid="messages">
                                <thead>
                                    <tr>
                                        <SortHeader list=list field="subject" label=Text::Subject />
                                        <SortHeader list=list field="updated_at" label=Text::Changed />
                                    </tr>
                                </thead>
                                <tbody>
                                    {page.items.into_iter().map(|message| view! {
                                        <tr>
                                            <td data-label=move || i18n.t(Text::Subject)>
                                                <A href=format!("/messages/{}", message.id)>{message.subject}</A>
                                            </td>
                                            <td data-label=move || i18n.t(Text::Changed)>
                                                {move || time::local(message.updated_at, i18n.lang.get())}
                                            </td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                }
            })}
        </Suspense>
        <Pager list=list total=total />
    }
}
