//! `/messages`: my messages; each opens in the editor.

pub mod editor;
mod preview;
pub mod test_send;

use leptos::prelude::*;
use leptos_router::components::A;
use mailroom_domain::wire::Message;

use crate::api;
use crate::components::guard::SignedIn;
use crate::components::list::{ListState, Paged, SearchBox, SortHeader};
use crate::components::title::PageTitle;
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
    let list = ListState::in_url("-updated_at", 20, &[]);
    let messages = LocalResource::new(move || {
        let mut query = list.query();
        query.owner_id = session.user_id();
        async move { api::messages::list(session, &query).await }
    });
    view! {
        <PageTitle text=Text::Messages />
        <div class="page-head">
            <h1>{move || i18n.t(Text::Messages)}</h1>
            <A href="/messages/new" attr:class="button" attr:data-testid="new-message">
                {move || i18n.t(Text::NewMessage)}
            </A>
        </div>
        <div class="toolbar">
            <SearchBox list=list label=Text::SearchMessages />
        </div>
        <Paged list=list rows=messages empty=Text::NoMessagesYet table={move |items: Vec<Message>| view! {
                        <div class="table-wrap">
                            <table data-testid="messages">
                                <thead>
                                    <tr>
                                        <SortHeader list=list field="subject" label=Text::Subject />
                                        <SortHeader list=list field="updated_at" label=Text::Changed />
                                    </tr>
                                </thead>
                                <tbody>
                                    {items.into_iter().map(|message| view! {
                                        <tr>
                                            <td class="subject" data-label=move || i18n.t(Text::Subject)>
                                                <A href=format!("/messages/{}", message.id)>{message.subject}</A>
                                            </td>
                                            <td class="when" data-label=move || i18n.t(Text::Changed)>
                                                {move || time::local(message.updated_at, i18n.lang.get())}
                                            </td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }} />
    }
}
