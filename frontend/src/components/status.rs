//! A mailing's state as labels, in the chosen language: its status (or that a manager disabled
//! it, which outweighs the rest) and how its last run went.

use leptos::prelude::*;
use mailroom_domain::MailingStatus;
use mailroom_domain::wire::{Run, RunOutcome};

use crate::i18n::{Text, last_run_line, use_i18n};
use crate::time;

pub fn status_text(status: MailingStatus) -> Text {
    match status {
        MailingStatus::Created => Text::StatusCreated,
        MailingStatus::Running => Text::StatusRunning,
        MailingStatus::Completed => Text::StatusCompleted,
    }
}

#[component]
pub fn StatusBadge(
    status: MailingStatus,
    #[prop(optional)] disabled: bool,
    /// The latest run, told beside the status.
    last_run: Option<Run>,
) -> impl IntoView {
    let i18n = use_i18n();
    let status_badge = move || {
        if disabled {
            view! {
                <span class="badge disabled" data-testid="mailing-disabled">
                    {move || i18n.t(Text::DisabledByManager)}
                </span>
            }
            .into_any()
        } else {
            view! {
                <span class=format!("badge {}", status.as_str()) data-testid="mailing-status">
                    {move || i18n.t(status_text(status))}
                </span>
            }
            .into_any()
        }
    };
    view! {
        <span class="badges">
            {status_badge()}
            <LastRun run=last_run />
        </span>
    }
}

/// How the last run went ("Last run finished", "Sending · 45%", "Last run: 3 failed") and when,
/// or "Not sent yet".
#[component]
pub fn LastRun(run: Option<Run>) -> impl IntoView {
    let i18n = use_i18n();
    match run {
        None => view! {
            <span class="badge" data-testid="last-run">{move || i18n.t(Text::NotSentYet)}</span>
        }
        .into_any(),
        Some(run) => {
            let outcome = run.outcome();
            let class = match outcome {
                RunOutcome::Sending(_) => "badge running",
                RunOutcome::Delivered => "badge ok",
                RunOutcome::SomeFailed(_)
                | RunOutcome::Stopped
                | RunOutcome::Paused(_)
                | RunOutcome::AllSuppressed => "badge warn",
                RunOutcome::AllFailed => "badge bad",
            };
            let at = run.finished_at.or(run.started_at).unwrap_or(run.created_at);
            view! {
                <span class=class data-testid="last-run">
                    {move || last_run_line(i18n.lang.get(), outcome)}
                </span>
                <time class="hint" datetime=at.to_rfc3339() data-testid="last-run-at">
                    {move || time::short(at, i18n.lang.get())}
                </time>
            }
            .into_any()
        }
    }
}
