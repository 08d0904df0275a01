//! A mailing's delivery attempts with each server's reply, filterable by outcome.

use leptos::prelude::*;
use mailroom_domain::AttemptStatus;
use mailroom_domain::wire::Attempt;

use crate::api;
use crate::components::address::Address;
use crate::components::list::{ListState, Paged, SearchBox, SortHeader};
use crate::i18n::{Text, use_i18n};
use crate::session::use_session;
use crate::time;

/// `version` changes when attempts may have been added (a run ended).
#[component]
pub fn Attempts(mailing_id: i64, #[prop(into)] version: Signal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let list = ListState::in_url("-attempted_at", 20, &["outcome"]);
    let outcome = move || list.filter("outcome").parse::<AttemptStatus>().ok();
    let attempts = LocalResource::new(move || {
        version.track();
        let query = list.query();
        let status = outcome();
        async move { api::attempts::of_mailing(session, mailing_id, status, &query).await }
    });
    view! {
        <section class="card" aria-labelledby="attempts-heading">
            <h2 id="attempts-heading">{move || i18n.t(Text::Attempts)}</h2>
            <div class="toolbar">
                <label>
                    <span class="visually-hidden">{move || i18n.t(Text::Outcome)}</span>
                    <select data-testid="outcome" prop:value=move || list.filter("outcome")
                        on:change=move |ev| list.set_filter("outcome", event_target_value(&ev))>
                        <option value="">{move || i18n.t(Text::AllOutcomes)}</option>
                        <option value=AttemptStatus::Success.as_str()>{move || i18n.t(Text::Succeeded)}</option>
                        <option value=AttemptStatus::Failure.as_str()>{move || i18n.t(Text::Failed)}</option>
                    </select>
                </label>
                <SearchBox list=list label=Text::SearchAddress />
            </div>
            <Paged list=list rows=attempts empty=Text::NoAttemptsYet
                filtered=Signal::derive(move || outcome().is_some()) table={move |items: Vec<Attempt>| view! {
                            <div class="table-wrap">
                                <table data-testid="attempts">
                                    <thead>
                                        <tr>
                                            <SortHeader list=list field="attempted_at" label=Text::When />
                                            <th scope="col">{move || i18n.t(Text::Email)}</th>
                                            <th scope="col">{move || i18n.t(Text::Outcome)}</th>
                                            <th scope="col">{move || i18n.t(Text::ServerReply)}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {items.into_iter().map(|a| {
                                            let ok = a.status == AttemptStatus::Success;
                                            view! {
                                                <tr>
                                                    <td class="when" data-label=move || i18n.t(Text::When)>{move || time::local(a.attempted_at, i18n.lang.get())}</td>
                                                    <td data-label=move || i18n.t(Text::Email)><Address email=a.client_email /></td>
                                                    <td data-label=move || i18n.t(Text::Outcome)>
                                                        <span class=if ok { "badge ok" } else { "badge bad" }>
                                                            {move || i18n.t(if ok { Text::Succeeded } else { Text::Failed })}
                                                        </span>
                                                    </td>
                                                    <td data-label=move || i18n.t(Text::ServerReply)><code>{a.server_response}</code></td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }} />
        </section>
    }
}
