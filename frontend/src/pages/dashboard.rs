//! `/dashboard`: for a new account, the three steps to a first mailing; then a card per recent
//! mailing, my figures and my attempts per day over the last 30 days.

use leptos::prelude::*;
use leptos_router::components::A;
use mailroom_domain::wire::{Mailing, MyStats};

use crate::api::{self, ApiError, ListQuery};
use crate::components::chart::DailyChart;
use crate::components::figure::Figure;
use crate::components::guard::SignedIn;
use crate::components::notice::{Loading, failed};
use crate::components::status::StatusBadge;
use crate::components::title::PageTitle;
use crate::i18n::{Text, delivered_line, failed_line, use_i18n};
use crate::session::use_session;

/// How many recent mailings get a card.
const RECENT: u32 = 6;

#[component]
pub fn Dashboard() -> impl IntoView {
    view! { <SignedIn><DashboardPage /></SignedIn> }
}

/// What the dashboard reads: my figures, my latest mailings, and whether I wrote a message.
#[derive(Debug, Clone)]
struct Overview {
    stats: MyStats,
    recent: Vec<Mailing>,
    messages: u64,
}

async fn load(session: crate::session::Session) -> Result<Overview, ApiError> {
    let owner_id = session.user_id();
    let recent = ListQuery {
        page: 1,
        per_page: RECENT,
        sort: "-created_at".into(),
        owner_id,
        ..ListQuery::default()
    };
    let one = ListQuery {
        page: 1,
        per_page: 1,
        owner_id,
        ..ListQuery::default()
    };
    let (stats, recent, messages) = futures::join!(
        api::stats::mine(session),
        api::mailings::list(session, &recent),
        api::messages::list(session, &one),
    );
    Ok(Overview {
        stats: stats?,
        recent: recent?.items,
        messages: messages?.total,
    })
}

#[component]
fn DashboardPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let overview = LocalResource::new(move || {
        session.user_id();
        async move { load(session).await }
    });
    view! {
        <PageTitle text=Text::Dashboard />
        <div class="page-head">
            <h1>{move || i18n.t(Text::Dashboard)}</h1>
            <A href="/mailings/new" attr:class="button">{move || i18n.t(Text::NewMailing)}</A>
        </div>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match overview.await {
                    Err(e) => failed(e),
                    Ok(o) if o.stats.mailings.total == 0 => view! {
                        <FirstSteps clients=o.stats.clients messages=o.messages />
                    }.into_any(),
                    Ok(o) => view! {
                        <section aria-labelledby="recent-heading">
                            <h2 id="recent-heading">{move || i18n.t(Text::RecentMailings)}</h2>
                            <div class="grid-cards" data-testid="recent-mailings">
                                {o.recent.into_iter().map(|m| view! { <MailingCard mailing=m /> }).collect_view()}
                            </div>
                        </section>
                        <MyFigures stats=o.stats />
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The way to a first mailing, each step marked once it is done.
#[component]
fn FirstSteps(clients: u64, messages: u64) -> impl IntoView {
    let i18n = use_i18n();
    let step = |done: bool, title: Text, text: Text, href: &'static str, action: Text| {
        view! {
            <li class:done=done>
                <h3>{move || i18n.t(title)}</h3>
                <p>{move || i18n.t(text)}</p>
                <A href=href attr:class=if done { "button secondary" } else { "button" }>
                    {move || i18n.t(action)}
                </A>
            </li>
        }
    };
    view! {
        <section class="card" aria-labelledby="steps-heading" data-testid="first-steps">
            <h2 id="steps-heading">{move || i18n.t(Text::FirstStepsTitle)}</h2>
            <ol class="steps">
                {step(clients > 0, Text::StepClients, Text::StepClientsHow, "/clients", Text::AddClients)}
                {step(messages > 0, Text::StepMessage, Text::StepMessageHow, "/messages/new", Text::NewMessage)}
                {step(false, Text::StepMailing, Text::StepMailingHow, "/mailings/new", Text::NewMailing)}
            </ol>
        </section>
    }
}

/// A recent mailing: its state, and how its last run went.
#[component]
fn MailingCard(mailing: Mailing) -> impl IntoView {
    let i18n = use_i18n();
    let rates = mailing
        .last_run
        .as_ref()
        .and_then(|run| run.delivered_percent().map(|ok| (ok, 100 - ok)));
    view! {
        <article class="card mailing-card" data-testid="mailing-card">
            <h3><A href=format!("/mailings/{}", mailing.id)>{mailing.name.clone()}</A></h3>
            <StatusBadge status=mailing.status disabled=mailing.disabled last_run=mailing.last_run.clone() />
            {rates.map(|(ok, bad)| view! {
                <p class="rates">
                    <span class="ok" data-testid="delivered-rate">{move || delivered_line(i18n.lang.get(), ok)}</span>
                    <span class="muted" data-testid="failed-rate">{move || failed_line(i18n.lang.get(), bad)}</span>
                </p>
            })}
        </article>
    }
}

#[component]
fn MyFigures(stats: MyStats) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card" aria-labelledby="my-heading">
            <h2 id="my-heading">{move || i18n.t(Text::MyFigures)}</h2>
            <div class="figures">
                <Figure label=Text::Mailings value=stats.mailings.total testid="my-mailings" />
                <Figure label=Text::RunningNow value=stats.mailings.running testid="my-running" />
                <Figure label=Text::Clients value=stats.clients testid="my-clients" />
                <Figure label=Text::MessagesSent value=stats.messages_sent testid="my-sent" />
                <Figure label=Text::AttemptsSucceeded value=stats.attempts.succeeded testid="my-succeeded" />
                <Figure label=Text::AttemptsFailed value=stats.attempts.failed testid="my-failed" />
                <Figure label=Text::Bounced value=stats.bounced testid="my-bounced" />
                <Figure label=Text::Complained value=stats.complained testid="my-complained" />
            </div>
            <h3>{move || i18n.t(Text::AttemptsPerDay)}</h3>
            <DailyChart days=stats.daily />
        </section>
    }
}
