//! A mailing's delivery attempts with each server's reply, filterable by outcome, and the
//! bounces and complaints learnt about each: the server's refusal of the address, or a report
//! that came later about mail it had accepted, with its diagnostic.

use leptos::prelude::*;
use mailroom_domain::AttemptStatus;
use mailroom_domain::bounce::{EventKind, EventSource};
use mailroom_domain::wire::{Attempt, DeliveryEvent};

use crate::api;
use crate::components::address::Address;
use crate::components::list::{ListState, Paged, SearchBox, SortHeader};
use crate::components::when::When;
use crate::i18n::{Text, use_i18n};
use crate::session::use_session;
use crate::time;

fn kind_text(kind: EventKind) -> Text {
    match kind {
        EventKind::HardBounce => Text::ReasonHardBounce,
        EventKind::SoftBounce => Text::SoftBounce,
        EventKind::Complaint => Text::ReasonComplaint,
    }
}

fn source_text(source: EventSource) -> Text {
    match source {
        EventSource::Smtp => Text::SourceSmtp,
        EventSource::Dsn => Text::SourceDsn,
        EventSource::Arf => Text::SourceArf,
    }
}

/// An event's badge, beside the attempt's outcome.
#[component]
fn EventBadge(kind: EventKind) -> impl IntoView {
    let i18n = use_i18n();
    let class = match kind {
        EventKind::SoftBounce => "badge warn",
        EventKind::HardBounce | EventKind::Complaint => "badge bad",
    };
    view! { <span class=class data-testid="event">{move || i18n.t(kind_text(kind))}</span> }
}

/// What a later report said, under the server's reply: where it came from, when, and its
/// diagnostic. A refusal during sending is the reply itself, said once.
#[component]
fn EventReport(event: DeliveryEvent) -> impl IntoView {
    let i18n = use_i18n();
    let source = event.source;
    view! {
        <p class="event-report" data-testid="event-report">
            <span class="muted">{move || i18n.t(source_text(source))}", "<When at=event.created_at />": "</span>
            <code>{event.detail}</code>
        </p>
    }
}

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
                    // Each option says whether it is chosen: a value set on the select itself
                    // comes before its options exist, and a filter from the address would not show.
                    <select data-testid="outcome"
                        on:change=move |ev| list.set_filter("outcome", event_target_value(&ev))>
                        <option value="" selected=move || outcome().is_none()>{move || i18n.t(Text::AllOutcomes)}</option>
                        <option value=AttemptStatus::Success.as_str()
                            selected=move || outcome() == Some(AttemptStatus::Success)>{move || i18n.t(Text::Succeeded)}</option>
                        <option value=AttemptStatus::Failure.as_str()
                            selected=move || outcome() == Some(AttemptStatus::Failure)>{move || i18n.t(Text::Failed)}</option>
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
                                            let badges = a.events.iter().map(|e| view! { <EventBadge kind=e.kind /> }).collect_view();
                                            let reports = a.events.into_iter()
                                                .filter(|e| e.source != EventSource::Smtp)
                                                .map(|event| view! { <EventReport event /> })
                                                .collect_view();
                                            view! {
                                                <tr>
                                                    <td class="when" data-label=move || i18n.t(Text::When)>{move || time::local(a.attempted_at, i18n.lang.get())}</td>
                                                    <td data-label=move || i18n.t(Text::Email)><Address email=a.client_email /></td>
                                                    <td data-label=move || i18n.t(Text::Outcome)>
                                                        <span class="badges">
                                                            <span class=if ok { "badge ok" } else { "badge bad" }>
                                                                {move || i18n.t(if ok { Text::Succeeded } else { Text::Failed })}
                                                            </span>
                                                            {badges}
                                                        </span>
                                                    </td>
                                                    <td data-label=move || i18n.t(Text::ServerReply)>
                                                        <code>{a.server_response}</code>
                                                        {reports}
                                                    </td>
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
