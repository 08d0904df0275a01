//! The server's readiness as `/health/ready` reports it.

use leptos::prelude::*;
use mailroom_domain::wire::{Check, CheckStatus, ReadinessChecks, ReadyStatus};

use crate::api::ApiError;
use crate::api::health::ServerState;

/// One line for the footer: is the server ready?
#[component]
pub fn ServerStatusLine() -> impl IntoView {
    let readiness = LocalResource::new(crate::api::health::ready);
    view! {
        <Suspense fallback=|| view! { <span class="status unknown">"Checking the server…"</span> }>
            {move || Suspend::new(async move {
                match readiness.await {
                    Ok(ServerState::Ready(r)) if r.status == ReadyStatus::Degraded => view! {
                        <span class="status warn" data-testid="server-status">
                            {format!("Server ready without its cache (version {})", r.version)}
                        </span>
                    }.into_any(),
                    Ok(ServerState::Ready(r)) => view! {
                        <span class="status up" data-testid="server-status">
                            {format!("Server ready (version {})", r.version)}
                        </span>
                    }.into_any(),
                    Ok(ServerState::NotReady(_)) => view! {
                        <span class="status down" data-testid="server-status">"Server not ready"</span>
                    }.into_any(),
                    Err(e) => view! {
                        <span class="status down" data-testid="server-status">
                            {format!("Server unreachable: {e}")}
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
    match state {
        Ok(ServerState::Ready(r)) => view! {
            <p><span class="status up">"Ready"</span></p>
            <Checks checks=r.checks />
        }
        .into_any(),
        Ok(ServerState::NotReady(n)) => view! {
            <p>
                <span class="status down">"Not ready"</span>
                " "<span class="muted">{n.problem.detail.unwrap_or_default()}</span>
            </p>
            <Checks checks=n.checks />
        }
        .into_any(),
        Err(e) => view! {
            <p><span class="status down">"Unreachable"</span>" "<span class="muted">{e.to_string()}</span></p>
        }
        .into_any(),
    }
}

#[component]
fn Checks(checks: ReadinessChecks) -> impl IntoView {
    view! {
        <dl class="checks">
            <dt>"Database"</dt>
            <dd>{describe(&checks.database)}</dd>
            <dt>"Redis"</dt>
            <dd>{describe(&checks.redis)}</dd>
        </dl>
    }
}

fn describe(check: &Check) -> String {
    let state = match check.status {
        CheckStatus::Up => "up",
        CheckStatus::Down => "down",
        CheckStatus::Disabled => "not configured (in-process cache)",
    };
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
