//! `/mailings/:id`: one mailing — its status and schedule, Send now with live progress, its runs,
//! a chart of its days and every attempt. Managers disable or enable it.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use mailroom_domain::MailingStatus;
use mailroom_domain::wire::{Mailing, MailingStats, Run};

use super::attempts::Attempts;
use super::progress::SendNow;
use crate::api;
use crate::components::address::Address;
use crate::components::chart::DailyChart;
use crate::components::dialog::ConfirmDialog;
use crate::components::guard::SignedIn;
use crate::components::notice::{ApiErrorNotice, Loading, failed};
use crate::components::sidebar::mark_current;
use crate::components::status::StatusBadge;
use crate::components::title::PageTitle;
use crate::components::when::When;
use crate::i18n::{
    Text, number, run_trigger_text, schedule_text, send_consequence, send_question, use_i18n,
};
use crate::pages::messages::test_send::TestSendButton;
use crate::session::use_session;
use crate::time;

#[component]
pub fn MailingDetail() -> impl IntoView {
    view! { <SignedIn><DetailPage /></SignedIn> }
}

#[component]
fn DetailPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    // Bumped when a run ends or the mailing changes: everything on the page is read again.
    let version = RwSignal::new(0_u32);
    // Whether the mailing is there: a deleted or unknown one shows its error, without attempts.
    let found = RwSignal::new(false);
    let loaded = LocalResource::new(move || {
        version.track();
        let id = id();
        async move {
            let id = id.ok_or_else(|| api::ApiError::Unexpected("no such mailing".into()))?;
            let mailing = api::mailings::get(session, id).await?;
            let stats = api::mailings::stats(session, id).await?;
            Ok::<_, api::ApiError>((mailing, stats))
        }
    });
    view! {
        <PageTitle text=Text::Mailings />
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match loaded.await {
                    Ok((mailing, stats)) => {
                        found.set(true);
                        view! { <Detail mailing=mailing stats=stats version=version /> }.into_any()
                    }
                    Err(e) => {
                        found.set(false);
                        let missing = e.is_not_found();
                        view! {
                            {missing.then(|| view! {
                                <h1>{move || i18n.t(Text::MailingNotFound)}</h1>
                            })}
                            {failed(e)}
                            <p><A href="/mailings">{move || i18n.t(Text::BackToMailings)}</A></p>
                        }.into_any()
                    }
                }
            })}
        </Transition>
        // Outside the part that is read again: its filter, search and page stay as chosen.
        <Show when=move || found.get()>
            {move || id().map(|id| view! { <Attempts mailing_id=id version=version /> })}
        </Show>
    }
}

#[component]
fn Detail(mailing: Mailing, stats: MailingStats, version: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let id = mailing.id;
    let mine = session.user_id() == Some(mailing.owner_id);
    let message_id = mailing.message_id;
    let manager = session.is_manager();
    let can_send = mine && !mailing.disabled && mailing.status != MailingStatus::Completed;
    // A run of an audience that holds no one would send nothing: said instead of offered.
    let reaches_nobody = mailing.client_count == 0;
    // The latest run: followed live while it sends, its result shown once it is over.
    let latest: Option<Run> = stats.runs.first().cloned();
    let remove =
        Action::new_local(move |_: &()| async move { api::mailings::delete(session, id).await });
    Effect::new(move |_| {
        if let Some(Ok(())) = remove.value().get() {
            navigate("/mailings", Default::default());
        }
    });
    let toggle = Action::new_local(move |disable: &bool| {
        let disable = *disable;
        async move { api::mailings::set_disabled(session, id, disable).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = toggle.value().get() {
            version.update(|v| *v += 1);
        }
    });
    let disabled = mailing.disabled;
    // A manager reading someone else's mailing is in "All mailings", and is told whose it is.
    if !mine && manager {
        mark_current("/manage/mailings");
    }
    let owner_id = mailing.owner_id;
    let owner = LocalResource::new(move || async move {
        if mine {
            None
        } else {
            api::users::get(session, owner_id)
                .await
                .ok()
                .map(|u| u.email)
        }
    });
    let (clients, schedule, next) = (mailing.client_count, mailing.schedule, mailing.next_run_at);
    let question = Signal::derive(move || send_question(i18n.lang.get(), clients));
    let consequence = Signal::derive(move || {
        let lang = i18n.lang.get();
        let next = next.map(|at| time::local(at, lang));
        send_consequence(lang, schedule, next.as_deref())
    });
    let to_delete = RwSignal::new(None::<()>);
    let to_disable = RwSignal::new(None::<()>);
    view! {
        <div class="page-head">
            <div class="title">
                <h1 data-testid="mailing-subject">{mailing.name.clone()}</h1>
                <StatusBadge status=mailing.status disabled=mailing.disabled last_run=latest.clone() />
            </div>
        </div>
        {(disabled && mine).then(|| view! {
            <p class="notice warn" role="status" data-testid="disabled-notice">
                {move || i18n.t(Text::DisabledOwnerNotice)}
            </p>
        })}
        <section class="card">
            <dl class="facts grid">
                {(!mine).then(|| view! {
                    <div>
                        <dt>{move || i18n.t(Text::Owner)}</dt>
                        <dd data-testid="mailing-owner">
                            <Suspense fallback=move || format!("#{owner_id}")>
                                {move || Suspend::new(async move {
                                    let email = owner.await.unwrap_or_else(|| format!("#{owner_id}"));
                                    view! { <Address email=email /> }
                                })}
                            </Suspense>
                        </dd>
                    </div>
                })}
                <div>
                    <dt>{move || i18n.t(Text::Message)}</dt>
                    <dd>
                        {if mine {
                            view! { <A href=format!("/messages/{}", mailing.message_id)>{mailing.message_subject.clone()}</A> }.into_any()
                        } else {
                            view! { <span>{mailing.message_subject.clone()}</span> }.into_any()
                        }}
                    </dd>
                </div>
                <div>
                    <dt>{move || i18n.t(Text::FirstSend)}</dt>
                    <dd><When at=mailing.starts_at /></dd>
                </div>
                <div>
                    <dt>{move || i18n.t(Text::EndTime)}</dt>
                    <dd><When at=mailing.ends_at /></dd>
                </div>
                <div>
                    <dt>{move || i18n.t(Text::Schedule)}</dt>
                    <dd>{move || i18n.t(schedule_text(mailing.schedule))}</dd>
                </div>
                <div>
                    <dt>{move || i18n.t(Text::NextSend)}</dt>
                    <dd data-testid="mailing-next">
                        {match (disabled, mailing.next_run_at) {
                            (true, _) => view! { <span>{move || i18n.t(Text::NoneWhileDisabled)}</span> }.into_any(),
                            (false, Some(t)) => view! { <When at=t /> }.into_any(),
                            (false, None) => view! { <span>"—"</span> }.into_any(),
                        }}
                    </dd>
                </div>
                <div>
                    <dt>{move || i18n.t(Text::Clients)}</dt>
                    <dd data-testid="mailing-clients">{move || number(i18n.lang.get(), mailing.client_count)}</dd>
                </div>
                <div>
                    <dt>{move || i18n.t(Text::MessagesSent)}</dt>
                    <dd data-testid="mailing-sent">{stats.messages_sent}</dd>
                </div>
                <div>
                    <dt>{move || i18n.t(Text::AttemptsSucceeded)}</dt>
                    <dd data-testid="mailing-succeeded">{stats.attempts.succeeded}</dd>
                </div>
                <div>
                    <dt>{move || i18n.t(Text::AttemptsFailed)}</dt>
                    <dd data-testid="mailing-failed">{stats.attempts.failed}</dd>
                </div>
                <div>
                    <dt>{move || i18n.t(Text::Bounced)}</dt>
                    <dd data-testid="mailing-bounced">{stats.bounced}</dd>
                </div>
                <div>
                    <dt>{move || i18n.t(Text::Complained)}</dt>
                    <dd data-testid="mailing-complained">{stats.complained}</dd>
                </div>
            </dl>
            <div class="actions">
                // A completed mailing can still be edited: a later end time reopens it.
                {mine.then(|| view! {
                    <A href=format!("/mailings/{id}/edit") attr:class="button secondary" attr:data-testid="edit-mailing">{move || i18n.t(Text::Edit)}</A>
                })}
                {mine.then(|| view! {
                    <A href=format!("/mailings/new?copy={id}") attr:class="button secondary" attr:data-testid="duplicate">
                        {move || i18n.t(Text::Duplicate)}
                    </A>
                    <TestSendButton message_id=message_id />
                    <button type="button" class="secondary danger" data-testid="delete-mailing"
                        on:click=move |_| to_delete.set(Some(()))>
                        {move || i18n.t(Text::Delete)}
                    </button>
                })}
                {manager.then(|| view! {
                    <button type="button" class="secondary" data-testid="toggle-disabled"
                        disabled=move || toggle.pending().get()
                        on:click=move |_| {
                            // Disabling stops sending: asked first. Enabling only allows it again.
                            if disabled { toggle.dispatch(false); } else { to_disable.set(Some(())); }
                        }>
                        {move || i18n.t(if disabled { Text::Enable } else { Text::Disable })}
                    </button>
                })}
            </div>
            {move || remove.value().get().and_then(Result::err).map(|e| view! { <ApiErrorNotice error=e /> })}
            {move || toggle.value().get().and_then(Result::err).map(|e| view! { <ApiErrorNotice error=e /> })}
        </section>
        <ConfirmDialog ask=to_delete confirm=Text::Delete danger=true removes_opener=true
            title=move |_: &()| i18n.t(Text::DeleteMailingQuestion).to_owned()
            message=move |_: &()| i18n.t(Text::DeleteMailingConsequence).to_owned()
            on_confirm=move |()| { remove.dispatch(()); } />
        <ConfirmDialog ask=to_disable confirm=Text::Disable danger=true
            title=move |_: &()| i18n.t(Text::DisableQuestion).to_owned()
            message=move |_: &()| i18n.t(Text::ConfirmDisable).to_owned()
            on_confirm=move |()| { toggle.dispatch(true); } />
        <SendNow mailing_id=id can_send=can_send reaches_nobody=reaches_nobody question=question consequence=consequence latest=latest changed=move |()| version.update(|v| *v += 1) />
        <section class="card" aria-labelledby="days-heading">
            <h2 id="days-heading">{move || i18n.t(Text::AttemptsPerDay)}</h2>
            <DailyChart days=stats.daily />
        </section>
        <Runs runs=stats.runs />
    }
}

#[component]
fn Runs(runs: Vec<Run>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card" aria-labelledby="runs-heading">
            <h2 id="runs-heading">{move || i18n.t(Text::Runs)}</h2>
            {if runs.is_empty() {
                view! { <p class="empty">{move || i18n.t(Text::NoRunsYet)}</p> }.into_any()
            } else {
                view! {
                    // Wider than a narrow desktop column: scrolled sideways, so reachable by keyboard.
                    <div class="table-wrap" tabindex="0" role="region" aria-labelledby="runs-heading">
                        <table data-testid="runs">
                            <thead>
                                <tr>
                                    <th scope="col">{move || i18n.t(Text::Started)}</th>
                                    <th scope="col">{move || i18n.t(Text::Trigger)}</th>
                                    <th scope="col" class="number">{move || i18n.t(Text::Clients)}</th>
                                    <th scope="col" class="number">{move || i18n.t(Text::Succeeded)}</th>
                                    <th scope="col" class="number">{move || i18n.t(Text::Failed)}</th>
                                    <th scope="col" class="number">{move || i18n.t(Text::SuppressedCount)}</th>
                                    <th scope="col" class="number">{move || i18n.t(Text::Pending)}</th>
                                    <th scope="col">{move || i18n.t(Text::Finished)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {runs.into_iter().map(|run| view! {
                                    <tr>
                                        <td class="when" data-label=move || i18n.t(Text::Started)>{move || time::local(run.started_at.unwrap_or(run.created_at), i18n.lang.get())}</td>
                                        <td data-label=move || i18n.t(Text::Trigger)>{move || i18n.t(run_trigger_text(run.trigger))}</td>
                                        <td class="number" data-label=move || i18n.t(Text::Clients)>{run.total}</td>
                                        <td class="number" data-label=move || i18n.t(Text::Succeeded)>{run.sent}</td>
                                        <td class="number" data-label=move || i18n.t(Text::Failed)>{run.failed}</td>
                                        <td class="number" data-label=move || i18n.t(Text::SuppressedCount)>{run.suppressed}</td>
                                        <td class="number" data-label=move || i18n.t(Text::Pending)>{run.pending}</td>
                                        <td class="when" data-label=move || i18n.t(Text::Finished)>{move || run.finished_at.map(|t| time::local(t, i18n.lang.get())).unwrap_or_else(|| "—".into())}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}
