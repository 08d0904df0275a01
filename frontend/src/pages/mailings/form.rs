//! `/mailings/new` and `/mailings/:id/edit`: its name, which message, to whom (all clients, clients
//! by tags, chosen clients), from when to when, how often.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use mailroom_domain::Schedule;
use mailroom_domain::audience::AudienceKind;
use mailroom_domain::mailing::copy::copy_name;
use mailroom_domain::wire::{Audience, Mailing, MailingRequest};

use super::audience::{AudienceChoice, AudiencePicker};
use crate::api::{self, ApiError, ListQuery};
use crate::components::field::Field;
use crate::components::guard::SignedIn;
use crate::components::notice::{ErrorNotice, Loading, failed};
use crate::components::title::PageTitle;
use crate::focus::focus;
use crate::i18n::{Text, schedule_text, use_i18n};
use crate::session::use_session;
use crate::time;

const FIELDS: [&str; 11] = [
    "name",
    "from_name",
    "message_id",
    "audience",
    "audience.tags_any",
    "audience.tags_all",
    "audience.exclude_tags",
    "client_ids",
    "starts_at",
    "ends_at",
    "schedule",
];
const SCHEDULES: [Schedule; 4] = [
    Schedule::Once,
    Schedule::Daily,
    Schedule::Weekly,
    Schedule::Monthly,
];

#[component]
pub fn MailingForm() -> impl IntoView {
    view! { <SignedIn><FormPage /></SignedIn> }
}

#[component]
fn FormPage() -> impl IntoView {
    let session = use_session();
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    // `/mailings/new?copy=7`: a new mailing that starts as a copy of mailing 7.
    let copy = move || query.with(|q| q.get("copy").and_then(|id| id.parse::<i64>().ok()));
    let mailing = LocalResource::new(move || {
        let (id, copy) = (id(), copy());
        async move {
            // Chosen clients are read page by page; the other audiences need no list.
            let start = |id: i64| async move {
                let mailing = api::mailings::get(session, id).await?;
                let clients = match mailing.audience {
                    Audience::Clients { .. } => api::mailings::clients(session, id).await?,
                    _ => Vec::new(),
                };
                Ok::<_, ApiError>((mailing, clients))
            };
            match (id, copy) {
                (Some(id), _) => start(id).await.map(|(m, c)| Some(Start::Edit(m, c))),
                (None, Some(copy)) => start(copy).await.map(|(m, c)| Some(Start::Copy(m, c))),
                (None, None) => Ok(None),
            }
        }
    });
    view! {
        <PageTitle text=Text::Mailings />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match mailing.await {
                    Ok(start) => view! { <Form start=start /> }.into_any(),
                    Err(e) => failed(e),
                }
            })}
        </Suspense>
    }
}

/// A time input and the instant it started from: an untouched input keeps that instant exactly
/// (the input shows minutes; a mailing made through the API may have seconds, and a running
/// mailing's start cannot move).
#[derive(Debug, Clone, Copy)]
struct TimeField {
    text: RwSignal<String>,
    initial: DateTime<Utc>,
}

impl TimeField {
    fn new(initial: DateTime<Utc>) -> Self {
        Self {
            text: RwSignal::new(time::to_input(initial)),
            initial,
        }
    }

    fn value(&self) -> Option<DateTime<Utc>> {
        let text = self.text.get_untracked();
        if text == time::to_input(self.initial) {
            Some(self.initial)
        } else {
            time::from_input(&text)
        }
    }
}

/// The form's fields as typed, turned into a request; an unreadable time is named like the
/// server would name it. `keep_clients`: an edit whose chosen clients were not touched leaves
/// them out (they are kept), so a list longer than the form read stays whole.
/// Whether the form edits a saved mailing, and keeps its chosen clients as they are.
#[derive(Debug, Clone, Copy)]
struct Saving {
    editing: bool,
    keep_clients: bool,
}

fn request(
    Saving {
        editing,
        keep_clients,
    }: Saving,
    name: &str,
    message: &str,
    choice: &AudienceChoice,
    starts: TimeField,
    ends: TimeField,
    schedule: &str,
) -> Result<MailingRequest, Vec<(&'static str, Text)>> {
    let mut errors = Vec::new();
    let message_id = message.parse::<i64>().ok();
    if message_id.is_none() {
        errors.push(("message_id", Text::ChooseMessage));
    }
    let kind = choice.kind.get_untracked();
    match kind {
        AudienceKind::Clients
            if !keep_clients && choice.chosen.with_untracked(BTreeSet::is_empty) =>
        {
            errors.push(("client_ids", Text::ChooseClients));
        }
        AudienceKind::Segment if choice.segment_is_empty() => {
            errors.push(("audience", Text::NameATag));
        }
        _ => {}
    }
    let starts_at = starts.value();
    if starts_at.is_none() {
        errors.push(("starts_at", Text::EnterTime));
    }
    let ends_at = ends.value();
    if ends_at.is_none() {
        errors.push(("ends_at", Text::EnterTime));
    }
    match (message_id, starts_at, ends_at) {
        (Some(message_id), Some(starts_at), Some(ends_at)) if errors.is_empty() => {
            let keep = keep_clients && kind == AudienceKind::Clients;
            Ok(MailingRequest {
                // A new mailing without a name is named after its message; an edit says what
                // the name becomes (a blank one is refused).
                name: Some(name.trim().to_owned()).filter(|n| editing || !n.is_empty()),
                // Set by the form from its own field.
                from_name: None,
                message_id,
                audience: (!keep).then(|| choice.audience()),
                client_ids: None,
                starts_at,
                ends_at,
                schedule: schedule.parse().unwrap_or_default(),
            })
        }
        _ => Err(errors),
    }
}

/// What the form starts from besides a blank page: a mailing and its audience's clients.
#[derive(Debug, Clone)]
enum Start {
    Edit(Mailing, Vec<(i64, String)>),
    /// A new mailing like this one: same message, clients and schedule, and times as long as
    /// its, from now on when its own have passed.
    Copy(Mailing, Vec<(i64, String)>),
}

/// Takes the person to the first field that needs them (the clients' search for the picker).
fn focus_field(field: Option<&str>) {
    let selector = match field {
        Some("client_ids") => "[data-testid=client-picker] input".to_owned(),
        Some("audience") => "#tags_any".to_owned(),
        Some(field) => format!("#{field}"),
        None => return,
    };
    focus(&selector);
}

#[component]
fn Form(start: Option<Start>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let now = time::now();
    let (id, mailing, chosen) = match start {
        Some(Start::Edit(m, chosen)) => (Some(m.id), Some(m), chosen),
        Some(Start::Copy(mut m, chosen)) => {
            if m.starts_at < now {
                let length = m.ends_at - m.starts_at;
                m.starts_at = now + chrono::Duration::minutes(5);
                m.ends_at = m.starts_at + length;
            }
            m.name = copy_name(&m.name);
            (None, Some(m), chosen)
        }
        None => (None, None, Vec::new()),
    };
    // The audience the mailing has on the server, for an edit: its chosen clients are kept
    // unless the person changes them.
    let saved_kind = id.and(mailing.as_ref()).map(|m| match m.audience {
        Audience::All => AudienceKind::All,
        Audience::Segment { .. } => AudienceKind::Segment,
        Audience::Clients { .. } => AudienceKind::Clients,
    });
    let choice = AudienceChoice::new(mailing.as_ref(), chosen);
    let name = RwSignal::new(mailing.as_ref().map(|m| m.name.clone()).unwrap_or_default());
    let from_name = RwSignal::new(
        mailing
            .as_ref()
            .and_then(|m| m.from_name.clone())
            .unwrap_or_default(),
    );
    let clients_touched = RwSignal::new(false);
    let message = RwSignal::new(
        mailing
            .as_ref()
            .map(|m| m.message_id.to_string())
            .unwrap_or_default(),
    );
    let starts = TimeField::new(
        mailing
            .as_ref()
            .map_or(now + chrono::Duration::minutes(5), |m| m.starts_at),
    );
    let ends = TimeField::new(
        mailing
            .as_ref()
            .map_or(now + chrono::Duration::days(7), |m| m.ends_at),
    );
    let schedule = RwSignal::new(
        mailing
            .map_or(Schedule::Once, |m| m.schedule)
            .as_str()
            .to_owned(),
    );
    let local_errors = RwSignal::new(Vec::<(&'static str, Text)>::new());
    // Fields changed since the last save: the server's word on what they held no longer applies.
    let edited = RwSignal::new(BTreeSet::<&'static str>::new());
    let edit = move |field: &'static str| {
        edited.update(|e| {
            e.insert(field);
        })
    };
    Effect::new(move |first: Option<()>| {
        choice.chosen.track();
        if first.is_some() {
            edit("client_ids");
            clients_touched.set(true);
        }
    });
    Effect::new(move |first: Option<()>| {
        choice.kind.track();
        choice.tags_any.track();
        choice.tags_all.track();
        choice.exclude_tags.track();
        if first.is_some() {
            edit("audience");
        }
    });
    let messages = LocalResource::new(move || {
        let query = ListQuery {
            page: 1,
            per_page: 200,
            sort: "subject".into(),
            owner_id: session.user_id(),
            ..ListQuery::default()
        };
        async move { api::messages::list(session, &query).await }
    });
    let save = Action::new_local(move |request: &MailingRequest| {
        let request = request.clone();
        async move {
            match id {
                Some(id) => api::mailings::update(session, id, &request).await,
                None => api::mailings::create(session, &request).await,
            }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            navigate(&format!("/mailings/{}", saved.id), Default::default());
        }
    });
    let error = move |field: &'static str| {
        Signal::derive(move || {
            // What was said of the field is about what it held then: not shown once it is
            // edited, nor while the next save is on its way.
            if edited.with(|e| e.contains(field)) || save.pending().get() {
                return None;
            }
            let local = local_errors.with(|e| {
                e.iter()
                    .find(|(f, _)| *f == field)
                    .map(|(_, t)| i18n.t(*t).to_owned())
            });
            local.or_else(|| {
                save.value().with(|v| match v {
                    Some(Err(e)) => e.field(field),
                    _ => None,
                })
            })
        })
    };
    // What is said of a segment, whichever of its parts it names.
    let tags_error = Signal::derive(move || {
        [
            "audience",
            "audience.tags_any",
            "audience.tags_all",
            "audience.exclude_tags",
        ]
        .into_iter()
        .find_map(|field| error(field).get())
    });
    let field_error = move |field: &'static str| {
        let error = error(field);
        view! { <span class="field-error" id=format!("{field}-error") data-testid=format!("error-{field}")>{move || error.get()}</span> }
    };
    let general = move || {
        save.value().with(|v| match v {
            Some(Err(e)) => e.general(&FIELDS, i18n.lang.get()),
            _ => None,
        })
    };
    view! {
        <h1>{move || i18n.t(if id.is_some() { Text::EditMailing } else { Text::NewMailing })}</h1>
        <form class="card form wide" data-testid="mailing-form" novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                let keep_clients = saved_kind == Some(AudienceKind::Clients) && !clients_touched.get_untracked();
                let saving = Saving { editing: id.is_some(), keep_clients };
                match request(saving, &name.get_untracked(), &message.get_untracked(), &choice, starts, ends, &schedule.get_untracked()) {
                    Ok(mut request) => {
                        // Blank: the owner's own name.
                        request.from_name = Some(from_name.get_untracked().trim().to_owned());
                        local_errors.set(Vec::new());
                        edited.set(BTreeSet::new());
                        save.dispatch(request);
                    }
                    Err(errors) => {
                        edited.set(BTreeSet::new());
                        focus_field(errors.first().map(|(field, _)| *field));
                        local_errors.set(errors);
                    }
                }
            }>
            // A new mailing's name may stay empty (its message's subject names it).
            {if id.is_none() {
                view! { <Field label=Text::MailingName name="name" value=name error=error("name") hint=Text::MailingNameHint /> }.into_any()
            } else {
                view! { <Field label=Text::MailingName name="name" value=name error=error("name") /> }.into_any()
            }}
            <Field label=Text::SenderName name="from_name" value=from_name error=error("from_name") hint=Text::SenderNameHint />
            <div class="field">
                <label for="message_id">{move || i18n.t(Text::Message)}</label>
                <Suspense fallback=Loading>
                    {move || Suspend::new(async move {
                        match messages.await {
                            Err(e) => failed(e),
                            // Nothing to choose yet: say where messages are written.
                            Ok(page) if page.items.is_empty() => view! {
                                <p class="empty">
                                    {move || i18n.t(Text::NoMessagesYet)}" "
                                    <A href="/messages/new">{move || i18n.t(Text::NewMessage)}</A>
                                </p>
                            }.into_any(),
                            Ok(page) => view! {
                                <select id="message_id" name="message_id" aria-describedby="message_id-error"
                                    aria-invalid=move || error("message_id").with(Option::is_some).to_string()
                                    on:change=move |ev| { edit("message_id"); message.set(event_target_value(&ev)); }>
                                    <option value="" selected=message.get_untracked().is_empty()>{move || i18n.t(Text::ChooseMessage)}</option>
                                    {page.items.into_iter().map(|m| {
                                        let value = m.id.to_string();
                                        let selected = message.get_untracked() == value;
                                        view! { <option value=value selected=selected>{m.subject}</option> }
                                    }).collect_view()}
                                </select>
                            }.into_any(),
                        }
                    })}
                </Suspense>
                {field_error("message_id")}
            </div>
            <AudiencePicker choice=choice clients_error=error("client_ids") tags_error=tags_error />
            <div class="row">
                <div class="field">
                    <label for="starts_at">{move || i18n.t(Text::FirstSend)}</label>
                    <input type="datetime-local" id="starts_at" name="starts_at" prop:value=starts.text.get_untracked()
                        aria-describedby="starts_at-error"
                        aria-invalid=move || error("starts_at").with(Option::is_some).to_string()
                        on:input=move |ev| { edit("starts_at"); starts.text.set(event_target_value(&ev)); } />
                    {field_error("starts_at")}
                </div>
                <div class="field">
                    <label for="ends_at">{move || i18n.t(Text::EndTime)}</label>
                    <input type="datetime-local" id="ends_at" name="ends_at" prop:value=ends.text.get_untracked()
                        aria-describedby="ends_at-error"
                        aria-invalid=move || error("ends_at").with(Option::is_some).to_string()
                        on:input=move |ev| { edit("ends_at"); ends.text.set(event_target_value(&ev)); } />
                    {field_error("ends_at")}
                </div>
                <div class="field">
                    <label for="schedule">{move || i18n.t(Text::Schedule)}</label>
                    <select id="schedule" name="schedule" aria-describedby="schedule-error"
                        on:change=move |ev| { edit("schedule"); schedule.set(event_target_value(&ev)); }>
                        {SCHEDULES.into_iter().map(|s| view! {
                            <option value=s.as_str() selected=schedule.get_untracked() == s.as_str()>
                                {move || i18n.t(schedule_text(s))}
                            </option>
                        }).collect_view()}
                    </select>
                    {field_error("schedule")}
                </div>
            </div>
            <p class="hint">{move || i18n.t(Text::TimesAreLocal)}</p>
            {move || general().map(|m| view! { <ErrorNotice message=m /> })}
            <div class="actions">
                <button type="submit" disabled=move || save.pending().get()>
                    {move || i18n.t(if save.pending().get() { Text::Saving } else { Text::Save })}
                </button>
            </div>
        </form>
    }
}
