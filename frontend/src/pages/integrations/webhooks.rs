//! My webhook endpoints: add one (its secret shown once, with a copy button), send it a test
//! event, disable or enable it, rotate its secret, delete it, and open its delivery log.

use leptos::prelude::*;
use mailroom_domain::webhook::EventType;
use mailroom_domain::wire::{NewWebhook, Webhook, WebhookPatch};

use super::event_text;
use crate::api::{self, ApiError};
use crate::components::dialog::ConfirmDialog;
use crate::components::field::Field;
use crate::components::notice::{ApiErrorNotice, DoneNotice, ErrorNotice, Loading, failed};
use crate::components::secret::SecretOnce;
use crate::focus::focus;
use crate::i18n::{
    Lang, Text, delete_endpoint_question, endpoint_outcome, rotate_question, secret_for,
    test_outcome, tr, use_i18n,
};
use crate::session::use_session;

const FIELDS: [&str; 3] = ["url", "events", "description"];

/// A secret on screen: which endpoint's, its address, the secret.
#[derive(Clone)]
struct Shown {
    id: i64,
    url: String,
    secret: String,
}

/// What happened last to one endpoint (its address), said above the list.
#[derive(Clone)]
enum Outcome {
    /// A test event: the receiver's status, or why there was none.
    Tested(Option<i32>, Option<String>),
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
    let secret = RwSignal::new(None::<Shown>);
    let outcome = RwSignal::new(None::<(String, Outcome)>);
    // The endpoint an action is on its way for: its buttons wait (a second rotation would end
    // the overlap of the first, a second test would send twice).
    let busy = RwSignal::new(None::<i64>);
    let create = Action::new_local(move |new: &NewWebhook| {
        let new = new.clone();
        async move { api::webhooks::create(session, &new).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(created)) = create.value().get() {
            secret.set(Some(Shown {
                id: created.webhook.id,
                url: created.webhook.url.clone(),
                secret: created.secret.clone(),
            }));
            outcome.set(None);
            url.set(String::new());
            description.set(String::new());
            chosen.set(Vec::new());
            form_version.update(|v| *v += 1);
            version.update(|v| *v += 1);
            // The keyboard goes to the secret's copy button: it is what to do next.
            request_animation_frame(|| focus("[data-testid=webhook-secret-notice] button"));
        }
    });
    // Runs one action for endpoint `id` (at `address`); `reload`: the list changed.
    let act =
        move |id: i64,
              address: String,
              reload: bool,
              future: std::pin::Pin<Box<dyn std::future::Future<Output = Outcome>>>| {
            busy.set(Some(id));
            outcome.set(None);
            leptos::task::spawn_local(async move {
                let done = future.await;
                outcome.set(Some((address, done)));
                busy.set(None);
                if reload {
                    version.update(|v| *v += 1);
                }
            });
        };
    let test = move |(id, address): (i64, String)| {
        act(
            id,
            address,
            false,
            Box::pin(async move {
                match api::webhooks::test(session, id).await {
                    Ok(delivery) => Outcome::Tested(delivery.last_status, delivery.last_error),
                    Err(e) => Outcome::Failed(e),
                }
            }),
        )
    };
    let toggle = move |(id, address, enable): (i64, String, bool)| {
        act(
            id,
            address,
            true,
            Box::pin(async move {
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
            }),
        )
    };
    let to_rotate = RwSignal::new(None::<(i64, String)>);
    let to_delete = RwSignal::new(None::<(i64, String)>);
    let rotate = move |(id, address): (i64, String)| {
        act(
            id,
            address,
            true,
            Box::pin(async move {
                match api::webhooks::rotate_secret(session, id).await {
                    Ok(rotated) => {
                        secret.set(Some(Shown {
                            id,
                            url: rotated.webhook.url.clone(),
                            secret: rotated.secret.clone(),
                        }));
                        Outcome::Changed(Text::SecretRotated)
                    }
                    Err(e) => Outcome::Failed(e),
                }
            }),
        )
    };
    let delete = move |(id, address): (i64, String)| {
        act(
            id,
            address,
            true,
            Box::pin(async move {
                match api::webhooks::delete(session, id).await {
                    Ok(()) => {
                        // Only this endpoint's secret leaves the screen: it opens nothing now.
                        if secret.with_untracked(|s| s.as_ref().is_some_and(|s| s.id == id)) {
                            secret.set(None);
                        }
                        Outcome::Changed(Text::EndpointDeleted)
                    }
                    Err(e) => Outcome::Failed(e),
                }
            }),
        )
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
    // Ticking a box answers the "choose an event" error.
    let events_touched = RwSignal::new(false);
    Effect::new(move |_| {
        if create.pending().get() {
            events_touched.set(false);
        }
    });
    let events_message = move || events_error.get().filter(|_| !events_touched.get());
    let row = move |hook: Webhook| {
        let (id, enabled, address) = (hook.id, hook.enabled, hook.url.clone());
        let waiting = move || busy.get() == Some(id);
        let url_text = hook.url.clone();
        let named = move |text: Text, lang: Lang| format!("{} {url_text}", tr(lang, text));
        let names: Vec<&'static str> = hook.events.iter().map(|e| e.as_str()).collect();
        let (a1, a2, a3, a4) = (
            address.clone(),
            address.clone(),
            address.clone(),
            address.clone(),
        );
        let (n1, n2, n3, n4, n5) = (
            named.clone(),
            named.clone(),
            named.clone(),
            named.clone(),
            named,
        );
        view! {
            <tr data-testid=format!("webhook-{id}")>
                <td data-label=move || i18n.t(Text::EndpointUrl)>
                    <div class="stack">
                        <code class="url">{hook.url.clone()}</code>
                        {(!hook.description.is_empty()).then(|| view! { <span class="muted">{hook.description.clone()}</span> })}
                    </div>
                </td>
                <td data-label=move || i18n.t(Text::Events) class="events">{names.join(", ")}</td>
                <td data-label=move || i18n.t(Text::Status) data-testid="endpoint-status">
                    {if enabled {
                        view! { <span class="badge ok">{move || i18n.t(Text::Enabled)}</span> }.into_any()
                    } else {
                        let reason = hook.disabled_reason.clone();
                        view! {
                            <div class="stack">
                                <span class="badge bad">{move || i18n.t(Text::Disabled)}</span>
                                {reason.map(|r| view! { <span class="muted" data-testid="disabled-reason">{r}</span> })}
                            </div>
                        }.into_any()
                    }}
                </td>
                <td class="row-actions wrap">
                    <a href=format!("/integrations/webhooks/{id}") data-testid="deliveries-link"
                        aria-label=move || n1(Text::Deliveries, i18n.lang.get())>
                        {move || i18n.t(Text::Deliveries)}
                    </a>
                    <button type="button" class="link" data-testid="send-test"
                        aria-label=move || n2(Text::SendTest, i18n.lang.get())
                        disabled=move || !enabled || waiting()
                        on:click=move |_| test((id, a1.clone()))>{move || i18n.t(Text::SendTest)}</button>
                    <button type="button" class="link" data-testid="toggle"
                        aria-label=move || n3(if enabled { Text::Disable } else { Text::Enable }, i18n.lang.get())
                        disabled=waiting
                        on:click=move |_| toggle((id, a2.clone(), !enabled))>
                        {move || i18n.t(if enabled { Text::Disable } else { Text::Enable })}
                    </button>
                    <button type="button" class="link" data-testid="rotate"
                        aria-label=move || n4(Text::RotateSecret, i18n.lang.get())
                        disabled=waiting
                        on:click=move |_| to_rotate.set(Some((id, a3.clone())))>
                        {move || i18n.t(Text::RotateSecret)}
                    </button>
                    <button type="button" class="link danger" data-testid="delete"
                        aria-label=move || n5(Text::Delete, i18n.lang.get())
                        disabled=waiting
                        on:click=move |_| to_delete.set(Some((id, a4.clone())))>
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
                        <fieldset class="events-picker">
                            <legend>{move || i18n.t(Text::Events)}</legend>
                            {EventType::ALL.iter().map(|&event| {
                                let id = format!("event-{}", event.as_str().replace('.', "-"));
                                view! {
                                    <div class="check">
                                        <input type="checkbox" id=id.clone() name="events" value=event.as_str()
                                            aria-describedby="events-error"
                                            aria-invalid=move || events_message().is_some().to_string()
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                events_touched.set(true);
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
                            <span class="field-error" id="events-error" data-testid="error-events">{events_message}</span>
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
            {move || outcome.get().map(|(address, o)| match o {
                Outcome::Tested(status, error) => {
                    let ok = status.is_some_and(|s| (200..300).contains(&s));
                    let line = test_outcome(i18n.lang.get(), &address, status, error.as_deref());
                    if ok {
                        view! { <DoneNotice message=line /> }.into_any()
                    } else {
                        view! { <ErrorNotice message=line /> }.into_any()
                    }
                }
                Outcome::Changed(text) => view! {
                    <DoneNotice message=endpoint_outcome(i18n.lang.get(), &address, i18n.t(text)) />
                }.into_any(),
                Outcome::Failed(e) => view! { <ApiErrorNotice error=e /> }.into_any(),
            })}
            {move || secret.get().map(|shown| view! {
                <p class="secret-for" data-testid="secret-for">{move || secret_for(i18n.lang.get(), &shown.url)}</p>
                <SecretOnce secret=shown.secret hint=Text::WebhookSecretShownOnce testid="webhook-secret" />
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
