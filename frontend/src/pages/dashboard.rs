//! `/dashboard`: my figures and my attempts per day over the last 30 days.

use leptos::prelude::*;
use mailroom_domain::wire::MyStats;

use crate::api;
use crate::components::chart::DailyChart;
use crate::components::figure::Figure;
use crate::components::guard::SignedIn;
use crate::components::notice::Loading;
use crate::components::title::PageTitle;
use crate::i18n::{Text, use_i18n};
use crate::session::use_session;

#[component]
fn MyFigures(stats: MyStats) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="figures">
            <Figure label=Text::Mailings value=stats.mailings.total testid="my-mailings" />
            <Figure label=Text::RunningNow value=stats.mailings.running testid="my-running" />
            <Figure label=Text::Clients value=stats.clients testid="my-clients" />
            <Figure label=Text::MessagesSent value=stats.messages_sent testid="my-sent" />
            <Figure label=Text::AttemptsSucceeded value=stats.attempts.succeeded testid="my-succeeded" />
            <Figure label=Text::AttemptsFailed value=stats.attempts.failed testid="my-failed" />
        </div>
        <h3>{move || i18n.t(Text::AttemptsPerDay)}</h3>
        <DailyChart days=stats.daily />
    }
}

#[component]
pub fn Dashboard() -> impl IntoView {
    view! { <SignedIn><DashboardPage /></SignedIn> }
}

#[component]
fn DashboardPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let stats = LocalResource::new(move || {
        session.user_id();
        async move { api::stats::mine(session).await }
    });
    view! {
        <PageTitle text=Text::Dashboard />
        <h1>{move || i18n.t(Text::Dashboard)}</h1>
        <p class="muted" data-testid="signed-in-as">
            {move || session.user.get().map(|u| u.email).unwrap_or_default()}
        </p>
        <section class="card" aria-labelledby="my-heading">
            <h2 id="my-heading">{move || i18n.t(Text::MyFigures)}</h2>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match stats.await {
                        Ok(stats) => view! { <MyFigures stats=stats /> }.into_any(),
                        Err(e) => view! {
                            <p class="status down" role="alert">
                                {move || format!("{}: {e}", i18n.t(Text::FiguresUnavailable))}
                            </p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
