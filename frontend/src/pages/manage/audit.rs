//! `/manage/audit`: the audit trail, newest first; filter by action, and by an entry's actor or
//! target with a click. The filters live in the address, as every list's do.

use leptos::prelude::*;
use mailroom_domain::audit::{AuditAction, TargetKind};
use mailroom_domain::wire::AuditEntry;

use crate::api;
use crate::api::audit::AuditFilters;
use crate::components::guard::ManagersOnly;
use crate::components::list::{ListState, Paged};
use crate::components::title::PageTitle;
use crate::components::when::When;
use crate::i18n::{Text, use_i18n};
use crate::session::use_session;

const FILTERS: &[&str] = &["actor", "target", "action"];

fn action_text(action: AuditAction) -> Text {
    match action {
        AuditAction::UserBlocked => Text::ActionUserBlocked,
        AuditAction::UserUnblocked => Text::ActionUserUnblocked,
        AuditAction::MailingDisabled => Text::ActionMailingDisabled,
        AuditAction::MailingEnabled => Text::ActionMailingEnabled,
        AuditAction::UserPromoted => Text::ActionUserPromoted,
        AuditAction::UserDemoted => Text::ActionUserDemoted,
        AuditAction::ManagerCreated => Text::ActionManagerCreated,
        AuditAction::SignInFromNewAddress => Text::ActionSignInNewAddress,
    }
}

/// The filters the address holds, as the API takes them.
fn filters(list: ListState) -> AuditFilters {
    let text = |name| Some(list.filter(name)).filter(|v| !v.trim().is_empty());
    AuditFilters {
        actor: text("actor").and_then(|v| v.parse().ok()),
        target: text("target"),
        action: text("action"),
    }
}

#[component]
pub fn AuditLog() -> impl IntoView {
    view! { <ManagersOnly><Page /></ManagersOnly> }
}

#[component]
fn Page() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let list = ListState::in_url("", 50, FILTERS);
    let entries = LocalResource::new(move || {
        let query = list.query();
        let filters = filters(list);
        async move { api::audit::list(session, &query, &filters).await }
    });
    let narrowed = Signal::derive(move || filters(list) != AuditFilters::default());
    let clear = move |_| {
        for name in FILTERS {
            list.set_filter(name, String::new());
        }
    };
    let row = move |entry: AuditEntry| {
        let action = entry.action;
        let actor = entry.actor_id.map(|id| id.to_string()).unwrap_or_default();
        let target = format!("{}:{}", entry.target_type, entry.target_id);
        let actor_name = match entry.actor_id {
            Some(_) => entry.actor.clone(),
            None => String::new(),
        };
        let by_command_line = entry.actor_id.is_none();
        let kind = match entry.target_type {
            TargetKind::User => Text::TargetAccount,
            TargetKind::Mailing => Text::TargetMailing,
        };
        view! {
            <tr data-testid="audit-entry">
                <td class="when" data-label=move || i18n.t(Text::When)><When at=entry.at /></td>
                <td data-label=move || i18n.t(Text::Actor)>
                    {if by_command_line {
                        view! { <span class="muted">{move || i18n.t(Text::CommandLine)}</span> }.into_any()
                    } else {
                        view! {
                            <button type="button" class="link" data-testid="audit-actor"
                                on:click=move |_| list.set_filter("actor", actor.clone())>
                                <span data-testid="audit-actor-name">{actor_name}</span>
                                <span class="visually-hidden">{move || format!(" ({})", i18n.t(Text::OnlyThisActor))}</span>
                            </button>
                        }.into_any()
                    }}
                </td>
                <td data-label=move || i18n.t(Text::AuditAction)>
                    <span class="badge" data-testid="audit-action">{move || i18n.t(action_text(action))}</span>
                </td>
                <td data-label=move || i18n.t(Text::AuditTarget)>
                    <button type="button" class="link" data-testid="audit-target-filter"
                        on:click=move |_| list.set_filter("target", target.clone())>
                        <span data-testid="audit-target">{entry.target}</span>
                        <span class="visually-hidden">{move || format!(" ({})", i18n.t(Text::OnlyThisTarget))}</span>
                    </button>
                    " "<span class="muted">"("{move || i18n.t(kind)}")"</span>
                </td>
                <td data-label=move || i18n.t(Text::Detail)><code>{entry.detail}</code></td>
            </tr>
        }
    };
    view! {
        <PageTitle text=Text::AuditLog />
        <h1>{move || i18n.t(Text::AuditLog)}</h1>
        <p class="muted">{move || i18n.t(Text::AuditIntro)}</p>
        <div class="toolbar">
            <label>
                <span class="visually-hidden">{move || i18n.t(Text::FilterByAction)}</span>
                // Each option says whether it is chosen: a value set on the select itself comes
                // before its options exist, and a filter from the address would not show.
                <select data-testid="audit-action-filter"
                    on:change=move |ev| list.set_filter("action", event_target_value(&ev))>
                    <option value="" selected=move || list.filter("action").is_empty()>
                        {move || i18n.t(Text::AllActions)}
                    </option>
                    {AuditAction::ALL.iter().map(|action| {
                        let action = *action;
                        view! {
                            <option value=action.as_str()
                                selected=move || list.filter("action") == action.as_str()>
                                {move || i18n.t(action_text(action))}
                            </option>
                        }
                    }).collect_view()}
                </select>
            </label>
            <Show when=move || narrowed.get()>
                <button type="button" class="secondary" data-testid="audit-clear" on:click=clear>
                    {move || i18n.t(Text::ClearAuditFilters)}
                </button>
            </Show>
        </div>
        <Paged list=list rows=entries empty=Text::NoAuditEntries filtered=narrowed
            table={move |items: Vec<AuditEntry>| view! {
                <div class="table-wrap">
                    <table data-testid="audit">
                        <thead>
                            <tr>
                                <th scope="col">{move || i18n.t(Text::When)}</th>
                                <th scope="col">{move || i18n.t(Text::Actor)}</th>
                                <th scope="col">{move || i18n.t(Text::AuditAction)}</th>
                                <th scope="col">{move || i18n.t(Text::AuditTarget)}</th>
                                <th scope="col">{move || i18n.t(Text::Detail)}</th>
                            </tr>
                        </thead>
                        <tbody>{items.into_iter().map(row).collect_view()}</tbody>
                    </table>
                </div>
            }} />
    }
}
