//! `/suppressions`: the addresses my mailings no longer send to, why, and since when; add one by
//! hand, remove one (its owner fixed their mailbox), export them all. Managers read everyone's
//! on `/manage/suppressions`.

pub mod table;

use leptos::prelude::*;
use mailroom_domain::wire::NewSuppression;

use crate::api::{self, ApiError};
use crate::components::field::Field;
use crate::components::guard::SignedIn;
use crate::components::list::{ListState, SearchBox};
use crate::components::notice::{ApiErrorNotice, DoneNotice, ErrorNotice};
use crate::components::title::PageTitle;
use crate::focus::focus;
use crate::i18n::{Text, use_i18n};
use crate::session::use_session;
use table::{ExportButton, SuppressionTable};

const FIELDS: [&str; 2] = ["email", "detail"];

#[component]
pub fn Suppressions() -> impl IntoView {
    view! { <SignedIn><Page /></SignedIn> }
}

#[component]
fn Page() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let list = ListState::in_url("-created_at", 20, &[]);
    let me = session.user_id();
    let notice = RwSignal::new(None::<Result<Text, ApiError>>);
    let email = RwSignal::new(String::new());
    let detail = RwSignal::new(String::new());
    let add = Action::new_local(move |entry: &NewSuppression| {
        let entry = entry.clone();
        async move { api::suppressions::add(session, &entry).await }
    });
    let remove = Action::new_local(move |id: &i64| {
        let id = *id;
        async move { api::suppressions::delete(session, id).await }
    });
    // A field's input keeps what was typed; a fresh form after each addition starts empty.
    let form_version = RwSignal::new(0_u32);
    Effect::new(move |_| {
        if let Some(Ok(_)) = add.value().get() {
            email.set(String::new());
            detail.set(String::new());
            form_version.update(|v| *v += 1);
            // The keyboard stays in the form, ready for the next address.
            request_animation_frame(|| focus("#field-email"));
            notice.set(Some(Ok(Text::SuppressionAdded)));
            list.reload();
        }
    });
    Effect::new(move |_| {
        if let Some(result) = remove.value().get() {
            notice.set(Some(result.map(|()| Text::SuppressionRemoved)));
            list.reload();
        }
    });
    let error = move |field: &'static str| {
        Signal::derive(move || {
            add.value().with(|v| match v {
                Some(Err(e)) => e.field(field),
                _ => None,
            })
        })
    };
    view! {
        <PageTitle text=Text::Suppressions />
        <h1>{move || i18n.t(Text::Suppressions)}</h1>
        <p class="muted">{move || i18n.t(Text::SuppressionsIntro)}</p>
        {move || {
            form_version.track();
            view! {
                <form class="card form" data-testid="suppression-form" novalidate
                    on:submit=move |ev| {
                        ev.prevent_default();
                        let detail = detail.get_untracked();
                        add.dispatch(NewSuppression {
                            email: email.get_untracked(),
                            detail: (!detail.trim().is_empty()).then_some(detail),
                        });
                    }>
                    <h2>{move || i18n.t(Text::SuppressAddress)}</h2>
                    <Field label=Text::Email name="email" kind="email" value=email error=error("email") required=true />
                    <Field label=Text::Detail name="detail" value=detail error=error("detail") />
                    {move || add.value().with(|v| match v {
                        Some(Err(e)) => e.general(&FIELDS, i18n.lang.get()).map(|m| view! { <ErrorNotice message=m /> }),
                        _ => None,
                    })}
                    <div class="actions">
                        <button type="submit" disabled=move || add.pending().get()>{move || i18n.t(Text::Suppress)}</button>
                    </div>
                </form>
            }
        }}
        <div class="toolbar">
            <SearchBox list=list label=Text::SearchSuppressions />
            <ExportButton list=list owner=Signal::derive(move || me) />
        </div>
        {move || notice.get().map(|n| match n {
            Ok(text) => view! { <DoneNotice message=i18n.t(text) /> }.into_any(),
            Err(e) => view! { <ApiErrorNotice error=e /> }.into_any(),
        })}
        <SuppressionTable list=list owner=Signal::derive(move || me)
            remove=Callback::new(move |id| { remove.dispatch(id); })
            busy=Signal::derive(move || remove.pending().get()) />
    }
}
