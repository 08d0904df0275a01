//! The server's readiness as `/health/ready` reports it.

use leptos::prelude::*;
use mailroom_domain::wire::{Check, CheckStatus, ReadinessChecks, ReadyStatus};

use crate::api::ApiError;
use crate::api::health::ServerState;
use crate::i18n::{Lang, Text, server_line, tr, use_i18n};

/// One line for the footer: is the server ready?
#[component]
pub fn ServerStatusLine() -> impl IntoView {
    let i18n = use_i18n();
    let readiness = LocalResource::new(crate::api::health::ready);
    view! {
        <Suspense fallback=move || view! {
            <span class="status unknown">{i18n.t(Text::CheckingServer)}</span>
        }>
            {move || Suspend::new(async move {
                match readiness.await {
                    Ok(ServerState::Ready(r)) if r.status == ReadyStatus::Degraded => view! {
                        <span class="status warn" data-testid="server-status">
                            {move || server_line(i18n.lang.get(), Some(false), &r.version)}
                        </span>
                    }.into_any(),
                    Ok(ServerState::Ready(r)) => view! {
                        <span class="status up" data-testid="server-status">
                            {move || server_line(i18n.lang.get(), Some(true), &r.version)}
                        </span>
                    }.into_any(),
                    Ok(ServerState::NotReady(_)) => view! {
                        <span class="status down" data-testid="server-status">
                            {move || server_line(i18n.lang.get(), None, "")}
                        </span>
                    }.into_any(),
                    Err(e) => view! {
                        <span class="status down" data-testid="server-status">
                            {move || format!("{}: {e}", i18n.t(Text::Unreachable))}
                        </span>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Every check with its outcome, for the home page.
#[component]
pub fn ReadinessDetails(state: Result<ServerState, ApiError>) -> impl IntoView {
    let i18n = use_i18n();
    match state {
        Ok(ServerState::Ready(r)) => view! {
            <p><span class="status up">{move || i18n.t(Text::Ready)}</span></p>
            <Checks checks=r.checks />
        }
        .into_any(),
        Ok(ServerState::NotReady(n)) => view! {
            <p>
                <span class="status down">{move || i18n.t(Text::NotReady)}</span>
                " "<span class="muted">{n.problem.detail.unwrap_or_default()}</span>
            </p>
            <Checks checks=n.checks />
        }
        .into_any(),
        Err(e) => view! {
            <p>
                <span class="status down">{move || i18n.t(Text::Unreachable)}</span>
                " "<span class="muted">{move || e.message(i18n.lang.get())}</span>
            </p>
        }
        .into_any(),
    }
}

#[component]
fn Checks(checks: ReadinessChecks) -> impl IntoView {
    let i18n = use_i18n();
    let (database, redis) = (checks.database, checks.redis);
    view! {
        <dl class="checks">
            <dt>{move || i18n.t(Text::Database)}</dt>
            <dd>{move || describe(i18n.lang.get(), &database)}</dd>
            <dt>{move || i18n.t(Text::Redis)}</dt>
            <dd>{move || describe(i18n.lang.get(), &redis)}</dd>
        </dl>
    }
}

fn describe(lang: Lang, check: &Check) -> String {
    let state = tr(
        lang,
        match check.status {
            CheckStatus::Up => Text::Up,
            CheckStatus::Down => Text::Down,
            CheckStatus::Disabled => Text::NotConfigured,
        },
    );
    let mut text = String::from(state);
    if let Some(backend) = &check.backend {
        text.push_str(&format!(" · {backend}"));
    }
    if let Some(ms) = check.latency_ms {
        text.push_str(&format!(" · {ms} ms"));
    }
    if let Some(error) = &check.error {
        text.push_str(&format!(" · {error}"));
    }
    text
}
