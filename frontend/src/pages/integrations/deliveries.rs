//! `/integrations/webhooks/:id`: an endpoint's delivery log, newest first: each call's event,
//! where it stands, its tries (the receiver's status code or why there was none, how long it
//! took) and its next try; any call can be sent again.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use mailroom_domain::webhook_delivery::DeliveryState;
use mailroom_domain::wire::WebhookDelivery;

use crate::api;
use crate::components::guard::SignedIn;
use crate::components::list::{ListState, Paged};
use crate::components::notice::{ApiErrorNotice, DoneNotice};
use crate::components::title::PageTitle;
use crate::components::when::When;
use crate::i18n::{
    Text, answer_text, attempts_in_call, deliveries_heading, tries_summary, use_i18n,
};
use crate::session::use_session;
use crate::time;

fn state_text(state: DeliveryState) -> (Text, &'static str) {
    match state {
        DeliveryState::Pending => (Text::DeliveryPending, "badge warn"),
        DeliveryState::Delivered => (Text::DeliveryDelivered, "badge ok"),
        DeliveryState::Failed => (Text::DeliveryFailed, "badge bad"),
    }
}

#[component]
pub fn WebhookDeliveries() -> impl IntoView {
    view! { <SignedIn><Page /></SignedIn> }
}

#[component]
fn Page() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let params = use_params_map();
    // An id that is no number names nothing: asked for as 0, which no endpoint has.
    let id = move || {
        params
            .with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()))
            .unwrap_or(0)
    };
    let list = ListState::in_url("-created_at", 20, &[]);
    let endpoint = LocalResource::new(move || {
        let id = id();
        async move { api::webhooks::get(session, id).await }
    });
    // Whether the log may be shown, and whether its calls may be sent again (the reader's own
    // endpoint, enabled): a manager reads anyone's log and resends nothing but their own.
    let known = Signal::derive(move || endpoint.get().map(|r| r.is_ok()));
    let may_resend = Signal::derive(move || {
        endpoint.get().is_some_and(|r| {
            r.as_ref()
                .is_ok_and(|e| e.enabled && session.user_id() == Some(e.owner_id))
        })
    });
    let rows = LocalResource::new(move || {
        let (id, query) = (id(), list.query());
        async move { api::webhooks::deliveries(session, id, &query).await }
    });
    let resend = Action::new_local(move |delivery: &i64| {
        let (id, delivery) = (id(), *delivery);
        async move { api::webhooks::retry(session, id, delivery).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = resend.value().get() {
            list.reload();
        }
    });
    // Another page of the log: what was said of a resend belongs to the one before.
    Effect::new(move |_| {
        list.page.track();
        resend.value().set(None);
    });
    let row = move |d: WebhookDelivery| {
        let (text, class) = state_text(d.state);
        let (delivery, created) = (d.id, d.created_at);
        let event = d.event.clone();
        let tries = d.attempts.clone();
        let (status, error) = (d.last_status, d.last_error.clone());
        let last = move || answer_text(i18n.lang.get(), status, error.as_deref());
        let (items, count) = (d.items, d.attempts.len());
        view! {
            <tr data-testid=format!("delivery-{delivery}")>
                <td data-label=move || i18n.t(Text::Event)>
                    <code>{d.event.clone()}</code>
                    {(items > 0).then(|| view! { <div class="muted">{move || attempts_in_call(i18n.lang.get(), items)}</div> })}
                </td>
                <td data-label=move || i18n.t(Text::State)>
                    <span class=class data-testid="delivery-state">{move || i18n.t(text)}</span>
                </td>
                <td data-label=move || i18n.t(Text::LastAnswer) data-testid="last-answer">
                    {last}
                    {d.last_duration_ms.map(|ms| view! { <span class="muted">{format!(" · {ms} ms")}</span> })}
                </td>
                <td data-label=move || i18n.t(Text::NextTry)>
                    {d.next_try_at.map(|at| view! { <When at=at /> })}
                </td>
                <td data-label=move || i18n.t(Text::Added)><When at=d.created_at /></td>
                <td data-label=move || i18n.t(Text::Tries)>
                    {(count > 0).then(|| view! {
                    <details>
                        <summary data-testid="tries">{move || tries_summary(i18n.lang.get(), count)}</summary>
                        <ol class="tries">
                            {tries.into_iter().map(|t| view! {
                                <li>
                                    <When at=t.tried_at />" — "
                                    {move || answer_text(i18n.lang.get(), t.status_code, t.error.as_deref())}
                                    {format!(" ({} ms)", t.duration_ms)}
                                </li>
                            }).collect_view()}
                        </ol>
                    </details>
                    })}
                </td>
                <td class="row-actions">
                    {move || may_resend.get().then(|| {
                        let event = event.clone();
                        view! {
                            <button type="button" class="link" data-testid="resend"
                                aria-label=move || format!("{} {event} {}", i18n.t(Text::SendAgain), time::local(created, i18n.lang.get()))
                                disabled=move || resend.pending().get()
                                on:click=move |_| { resend.dispatch(delivery); }>
                                {move || i18n.t(Text::SendAgain)}
                            </button>
                        }
                    })}
                </td>
            </tr>
        }
    };
    view! {
        <PageTitle text=Text::Deliveries />
        <p><a href="/integrations" data-testid="back">{move || i18n.t(Text::BackToIntegrations)}</a></p>
        <h1 class="breakable" data-testid="deliveries-heading">
            {move || match endpoint.get() {
                Some(Ok(e)) => deliveries_heading(i18n.lang.get(), &e.url),
                Some(Err(e)) if e.is_not_found() => i18n.t(Text::EndpointNotFound).to_owned(),
                _ => i18n.t(Text::Deliveries).to_owned(),
            }}
        </h1>
        {move || endpoint.get().and_then(Result::err).map(|e| view! { <ApiErrorNotice error=e /> })}
        {move || endpoint.get().and_then(Result::ok).filter(|e| !e.enabled).map(|e| view! {
            <div class="notice warn" data-testid="endpoint-disabled">
                <p>{move || i18n.t(Text::EndpointIsDisabled)}</p>
                {e.disabled_reason.map(|reason| view! { <p data-testid="disabled-reason">{reason}</p> })}
            </div>
        })}
        {move || resend.value().get().map(|r| match r {
            Ok(_) => view! { <DoneNotice message=i18n.t(Text::SentAgain) /> }.into_any(),
            Err(e) => view! { <ApiErrorNotice error=e /> }.into_any(),
        })}
        <Show when=move || known.get() == Some(true)>
        <Paged list=list rows=rows empty=Text::NoDeliveriesYet table={move |items: Vec<WebhookDelivery>| view! {
            <div class="table-wrap">
                <table data-testid="deliveries">
                    <thead>
                        <tr>
                            <th scope="col">{move || i18n.t(Text::Event)}</th>
                            <th scope="col">{move || i18n.t(Text::State)}</th>
                            <th scope="col">{move || i18n.t(Text::LastAnswer)}</th>
                            <th scope="col">{move || i18n.t(Text::NextTry)}</th>
                            <th scope="col">{move || i18n.t(Text::Added)}</th>
                            <th scope="col">{move || i18n.t(Text::Tries)}</th>
                            <th scope="col"><span class="visually-hidden">{move || i18n.t(Text::Actions)}</span></th>
                        </tr>
                    </thead>
                    <tbody>{items.into_iter().map(row).collect_view()}</tbody>
                </table>
            </div>
        }} />
        </Show>
    }
}
