//! `/manage/users`: every account with its figures; block and unblock.

use leptos::prelude::*;
use mailroom_domain::UserState;
use mailroom_domain::wire::UserStats;

use crate::api;
use crate::components::address::Address;
use crate::components::dialog::ConfirmDialog;
use crate::components::guard::ManagersOnly;
use crate::components::list::{ListState, Paged, SearchBox, SortHeader};
use crate::components::notice::ApiErrorNotice;
use crate::components::title::PageTitle;
use crate::i18n::{Text, block_question, role_text, state_text, use_i18n};
use crate::session::use_session;

#[component]
pub fn Users() -> impl IntoView {
    view! { <ManagersOnly><Page /></ManagersOnly> }
}

#[component]
fn Page() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let list = ListState::in_url("email", 20, &[]);
    let users = LocalResource::new(move || {
        let query = list.query();
        async move { api::users::stats(session, &query).await }
    });
    let toggle = Action::new_local(move |(id, block): &(i64, bool)| {
        let (id, block) = (*id, *block);
        async move { api::users::set_blocked(session, id, block).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = toggle.value().get() {
            list.reload();
        }
    });
    let me = session.user_id();
    let to_block = RwSignal::new(None::<(i64, String)>);
    let row = move |user: UserStats| {
        let blocked = user.state == UserState::Blocked;
        let (id, state, role) = (user.user_id, user.state, user.role);
        view! {
            <tr data-testid=format!("user-{}", user.email)>
                <td data-label=move || i18n.t(Text::Email)><Address email=user.email.clone() /></td>
                <td data-label=move || i18n.t(Text::FullName)>{user.full_name}</td>
                <td data-label=move || i18n.t(Text::Role)>{move || i18n.t(role_text(role))}</td>
                <td data-label=move || i18n.t(Text::State)>
                    <span class=if blocked { "badge bad" } else { "badge" } data-testid="user-state">
                        {move || i18n.t(state_text(state))}
                    </span>
                </td>
                <td class="number" data-label=move || i18n.t(Text::Mailings)>{user.mailings}</td>
                <td class="number" data-label=move || i18n.t(Text::Clients)>{user.clients}</td>
                <td class="number" data-label=move || i18n.t(Text::MessagesSent)>{user.messages_sent}</td>
                <td class="number" data-label=move || i18n.t(Text::Succeeded)>{user.attempts.succeeded}</td>
                <td class="number" data-label=move || i18n.t(Text::Failed)>{user.attempts.failed}</td>
                <td class="row-actions">
                    {(Some(id) != me).then(|| view! {
                        <button type="button" class=if blocked { "secondary" } else { "secondary danger" }
                            data-testid="toggle-block"
                            disabled=move || toggle.pending().get()
                            on:click={
                                let email = user.email.clone();
                                move |_| {
                                    // Blocking signs the person out: asked first. Unblocking only allows again.
                                    if blocked {
                                        toggle.dispatch((id, false));
                                    } else {
                                        to_block.set(Some((id, email.clone())));
                                    }
                                }
                            }>
                            {move || i18n.t(if blocked { Text::Unblock } else { Text::Block })}
                        </button>
                    })}
                </td>
            </tr>
        }
    };
    view! {
        <PageTitle text=Text::Users />
        <h1>{move || i18n.t(Text::Users)}</h1>
        <div class="toolbar">
            <SearchBox list=list label=Text::SearchUsers />
        </div>
        {move || toggle.value().get().and_then(Result::err).map(|e| view! { <ApiErrorNotice error=e /> })}
        <Paged list=list rows=users empty=Text::NothingFound table={move |items: Vec<UserStats>| view! {
                        <div class="table-wrap">
                            <table data-testid="users">
                                <thead>
                                    <tr>
                                        <SortHeader list=list field="email" label=Text::Email />
                                        <th scope="col">{move || i18n.t(Text::FullName)}</th>
                                        <th scope="col">{move || i18n.t(Text::Role)}</th>
                                        <th scope="col">{move || i18n.t(Text::State)}</th>
                                        <th scope="col" class="number">{move || i18n.t(Text::Mailings)}</th>
                                        <th scope="col" class="number">{move || i18n.t(Text::Clients)}</th>
                                        <th scope="col" class="number">{move || i18n.t(Text::MessagesSent)}</th>
                                        <th scope="col" class="number">{move || i18n.t(Text::Succeeded)}</th>
                                        <th scope="col" class="number">{move || i18n.t(Text::Failed)}</th>
                                        <th scope="col"><span class="visually-hidden">{move || i18n.t(Text::Actions)}</span></th>
                                    </tr>
                                </thead>
                                <tbody>{items.into_iter().map(row).collect_view()}</tbody>
                            </table>
                        </div>
                    }} />
        <ConfirmDialog ask=to_block confirm=Text::Block danger=true
            title=move |(_, email): &(i64, String)| block_question(i18n.lang.get(), email)
            message=move |_: &(i64, String)| i18n.t(Text::ConfirmBlock).to_owned()
            on_confirm=move |(id, _): (i64, String)| { toggle.dispatch((id, true)); } />
    }
}
