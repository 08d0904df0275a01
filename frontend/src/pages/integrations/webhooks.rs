//! My webhook endpoints: add one (its secret shown once, with a copy button), send it a test
//! event, disable or enable it, rotate its secret, delete it, and open its delivery log.

use leptos::prelude::*;
use mailroom_domain::webhook::EventType;
use mailroom_domain::wire::{NewWebhook, Webhook, WebhookDelivery, WebhookPatch};

use super::event_text;
use crate::api::{self, ApiError};
use crate::components::dialog::ConfirmDialog;
use crate::components::field::Field;
use crate::components::notice::{ApiErrorNotice, DoneNotice, ErrorNotice, Loading, failed};
use crate::components::secret::SecretOnce;
use crate::i18n::{Text, delete_endpoint_question, rotate_question, test_outcome, use_i18n};
use crate::session::use_session;

const FIELDS: [&str; 3] = ["url", "events", "description"];

/// What happened last to one of the endpoints, said above the list.
#[derive(Clone)]
enum Outcome {
    Tested(WebhookDelivery),
    Changed(Text),
    Failed(ApiError),
}

#[component]
pub fn Webhooks() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let version = RwSignal::new(0_u32);
    let endpoints = LocalResource::new(move || {
        version.track();
        async move { api::webhooks::list(session).await }
    });
    let url = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<EventType>::new());
    let form_version = RwSignal::new(0_u32);
    // The secret on screen: a new endpoint's, or a rotated one's.
    let secret = RwSignal::new(None::<String>);
    let outcome = RwSignal::new(None::<Outcome>);
    let create = Action::new_local(move |new: &NewWebhook| {
        let new = new.clone();
        async move { api::webhooks::create(session, &new).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(created)) = create.value().get() {
            secret.set(Some(created.secret.clone()));
            url.set(String::new());
            description.set(String::new());
            chosen.set(Vec::new());
            form_version.update(|v| *v += 1);
            version.update(|v| *v += 1);
        }
    });
    let act = move |future: std::pin::Pin<Box<dyn std::future::Future<Output = Outcome>>>| {
        leptos::task::spawn_local(async move {
            let done = future.await;
            outcome.set(Some(done));
            version.update(|v| *v += 1);
        });
    };
    let test = move |id: i64| {
        act(Box::pin(async move {
            match api::webhooks::test(session, id).await {
                Ok(delivery) => Outcome::Tested(delivery),
                Err(e) => Outcome::Failed(e),
            }
        }))
    };
    let toggle = move |(id, enable): (i64, bool)| {
        act(Box::pin(async move {
            let patch = WebhookPatch {
                enabled: Some(enable),
                ..WebhookPatch::default()
            };
            match api::webhooks::update(session, id, &patch).await {
                Ok(_) => Outcome::Changed(if enable {
                    Text::EndpointEnabled
                } else {
                    Text::EndpointDisabled
                }),
                Err(e) => Outcome::Failed(e),
            }
        }))
    };
    let to_rotate = RwSignal::new(None::<(i64, String)>);
    let to_delete = RwSignal::new(None::<(i64, String)>);
    let rotate = move |(id, _): (i64, String)| {
        act(Box::pin(async move {
            match api::webhooks::rotate_secret(session, id).await {
                Ok(rotated) => {
                    secret.set(Some(rotated.secret.clone()));
                    Outcome::Changed(Text::SecretRotated)
                }
                Err(e) => Outcome::Failed(e),
            }
        }))
    };
    let delete = move |(id, _): (i64, String)| {
        act(Box::pin(async move {
            match api::webhooks::delete(session, id).await {
                Ok(()) => {
                    secret.set(None);
                    Outcome::Changed(Text::EndpointDeleted)
                }
                Err(e) => Outcome::Failed(e),
            }
        }))
    };
    let error = move |field: &'static str| {
        Signal::derive(move || {
            create.value().with(|v| match v {
                Some(Err(e)) => e.field(field),
                _ => None,
            })
        })
    };
    let events_error = error("events");
    let row = move |hook: Webhook| {
        let (id, enabled) = (hook.id, hook.enabled);
        let (for_rotate, for_delete) = (hook.url.clone(), hook.url.clone());
        let url_label = hook.url.clone();
        let names: Vec<&'static str> = hook.events.iter().map(|e| e.as_str()).collect();
        view! {
            <tr data-testid=format!("webhook-{id}")>
                <td data-label=move || i18n.t(Text::EndpointUrl)>
                    <code class="url">{hook.url.clone()}</code>
                    {(!hook.description.is_empty()).then(|| view! { <div class="muted">{hook.description.clone()}</div> })}
                </td>
                <td data-label=move || i18n.t(Text::Events) class="events">{names.join(", ")}</td>
                <td data-label=move || i18n.t(Text::Status) data-testid="endpoint-status">
                    {if enabled {
                        view! { <span class="badge ok">{move || i18n.t(Text::Enabled)}</span> }.into_any()
                    } else {
                        let reason = hook.disabled_reason.clone();
                        view! {
                            <span class="badge bad">{move || i18n.t(Text::Disabled)}</span>
                            {reason.map(|r| view! { <div class="muted" data-testid="disabled-reason">{r}</div> })}
                        }.into_any()
                    }}
                </td>
                <td class="row-actions wrap">
                    <a href=format!("/integrations/webhooks/{id}") data-testid="deliveries-link"
                        aria-label=move || format!("{} {url_label}", i18n.t(Text::Deliveries))>
                        {move || i18n.t(Text::Deliveries)}
                    </a>
                    <button type="button" class="link" data-testid="send-test" disabled=!enabled
                        on:click=move |_| test(id)>{move || i18n.t(Text::SendTest)}</button>
                    <button type="button" class="link" data-testid="toggle"
                        on:click=move |_| toggle((id, !enabled))>
                        {move || i18n.t(if enabled { Text::Disable } else { Text::Enable })}
                    </button>
                    <button type="button" class="link" data-testid="rotate"
                        on:click=move |_| to_rotate.set(Some((id, for_rotate.clone())))>
                        {move || i18n.t(Text::RotateSecret)}
                    </button>
                    <button type="button" class="link danger" data-testid="delete"
                        on:click=move |_| to_delete.set(Some((id, for_delete.clone())))>
                        {move || i18n.t(Text::Delete)}
                    </button>
                </td>
            </tr>
        }
    };
    view! {
        <section class="card" aria-labelledby="webhooks-heading">
            <h2 id="webhooks-heading">{move || i18n.t(Text::WebhookEndpoints)}</h2>
            <p class="muted">{move || i18n.t(Text::WebhooksHint)}</p>
            {move || {
                form_version.track();
                view! {
                    <form class="form" data-testid="webhook-form" novalidate
                        on:submit=move |ev| {
                            ev.prevent_default();
                            let description = description.get_untracked();
                            create.dispatch(NewWebhook {
                                url: url.get_untracked(),
                                events: chosen.get_untracked().iter().map(|e| e.as_str().to_owned()).collect(),
                                description: (!description.trim().is_empty()).then_some(description),
                            });
                        }>
                        <Field label=Text::EndpointUrl name="url" kind="url" value=url error=error("url") required=true
                            hint=Text::EndpointUrlHint />
                        <Field label=Text::Description name="description" value=description error=error("description") />
                        <fieldset class="events-picker" aria-describedby="events-error"
                            aria-invalid=move || events_error.with(Option::is_some).to_string()>
                            <legend>{move || i18n.t(Text::Events)}</legend>
                            {EventType::ALL.iter().map(|&event| {
                                let id = format!("event-{}", event.as_str().replace('.', "-"));
                                view! {
                                    <div class="check">
                                        <input type="checkbox" id=id.clone() name="events" value=event.as_str()
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                chosen.update(|c| {
                                                    c.retain(|e| *e != event);
                                                    if on { c.push(event); }
                                                });
                                            } />
                                        <label for=id>
                                            <code>{event.as_str()}</code>" "
                                            <span class="muted">{move || i18n.t(event_text(event))}</span>
                                        </label>
                                    </div>
                                }
                            }).collect_view()}
                            <span class="field-error" id="events-error" data-testid="error-events">{move || events_error.get()}</span>
                        </fieldset>
                        {move || create.value().with(|v| match v {
                            Some(Err(e)) => e.general(&FIELDS, i18n.lang.get()).map(|m| view! { <ErrorNotice message=m /> }),
                            _ => None,
                        })}
                        <div class="actions">
                            <button type="submit" disabled=move || create.pending().get()>{move || i18n.t(Text::AddEndpoint)}</button>
                        </div>
                    </form>
                }
            }}
            {move || secret.get().map(|secret| view! {
                <SecretOnce secret=secret hint=Text::WebhookSecretShownOnce testid="webhook-secret" />
            })}
            {move || outcome.get().map(|o| match o {
                Outcome::Tested(delivery) => {
                    let ok = delivery.last_status.is_some_and(|s| (200..300).contains(&s));
                    let line = test_outcome(i18n.lang.get(), delivery.last_status, delivery.last_error.as_deref());
                    if ok {
                        view! { <DoneNotice message=line /> }.into_any()
                    } else {
                        view! { <ErrorNotice message=line /> }.into_any()
                    }
                }
                Outcome::Changed(text) => view! { <DoneNotice message=i18n.t(text) /> }.into_any(),
                Outcome::Failed(e) => view! { <ApiErrorNotice error=e /> }.into_any(),
            })}
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match endpoints.await {
                        Err(e) => failed(e),
                        Ok(page) if page.items.is_empty() => view! {
                            <p class="empty" data-testid="webhooks-empty">{move || i18n.t(Text::NoEndpointsYet)}</p>
                        }.into_any(),
                        Ok(page) => view! {
                            <div class="table-wrap">
                                <table data-testid="webhooks">
                                    <thead>
                                        <tr>
                                            <th scope="col">{move || i18n.t(Text::EndpointUrl)}</th>
                                            <th scope="col">{move || i18n.t(Text::Events)}</th>
                                            <th scope="col">{move || i18n.t(Text::Status)}</th>
                                            <th scope="col"><span class="visually-hidden">{move || i18n.t(Text::Actions)}</span></th>
                                        </tr>
                                    </thead>
                                    <tbody>{page.items.into_iter().map(row).collect_view()}</tbody>
                                </table>
                            </div>
                        }.into_any(),
                    }
                })}
            </Suspense>
            <ConfirmDialog ask=to_rotate confirm=Text::RotateSecret
                title=move |(_, url): &(i64, String)| rotate_question(i18n.lang.get(), url)
                message=move |_: &(i64, String)| i18n.t(Text::RotateConsequence).to_owned()
                on_confirm=rotate />
            <ConfirmDialog ask=to_delete confirm=Text::Delete danger=true removes_opener=true
                title=move |(_, url): &(i64, String)| delete_endpoint_question(i18n.lang.get(), url)
                message=move |_: &(i64, String)| i18n.t(Text::DeleteEndpointConsequence).to_owned()
                on_confirm=delete />
        </section>
    }
}
