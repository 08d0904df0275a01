//! `/dashboard`: my figures. Signed-out visitors are sent to sign in.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use mailroom_domain::wire::MyStats;

use crate::api;
use crate::components::figure::Figure;
use crate::i18n::{Text, use_i18n};
use crate::session::use_session;

#[component]
fn MyFigures(stats: MyStats) -> impl IntoView {
    view! {
        <div class="figures">
            <Figure label=Text::Mailings value=stats.mailings.total testid="my-mailings" />
            <Figure label=Text::RunningNow value=stats.mailings.running testid="my-running" />
            <Figure label=Text::Clients value=stats.clients testid="my-clients" />
            <Figure label=Text::MessagesSent value=stats.messages_sent testid="my-sent" />
            <Figure label=Text::AttemptsSucceeded value=stats.attempts.succeeded testid="my-succeeded" />
            <Figure label=Text::AttemptsFailed value=stats.attempts.failed testid="my-failed" />
        </div>
    }
}

#[component]
pub fn Dashboard() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if session.known.get() && session.access.get().is_none() {
            navigate("/login", Default::default());
        }
    });
    let stats = LocalResource::new(move || {
        let access = session.access.get();
        async move {
            match access {
                Some(access) => api::stats::mine(&access).await.map(Some),
                None => Ok(None),
            }
        }
    });
    view! {
        <h1>{move || i18n.t(Text::Dashboard)}</h1>
        <p class="muted" data-testid="signed-in-as">
            {move || session.user.get().map(|u| u.email).unwrap_or_default()}
        </p>
        <section class="card" aria-labelledby="my-heading">
            <h2 id="my-heading">{move || i18n.t(Text::MyFigures)}</h2>
            <Suspense fallback=move || view! { <p class="muted">{i18n.t(Text::Counting)}</p> }>
                {move || Suspend::new(async move {
                    match stats.await {
                        Ok(Some(stats)) => view! { <MyFigures stats=stats /> }.into_any(),
                        Ok(None) => view! { <p class="muted">{i18n.t(Text::Counting)}</p> }.into_any(),
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
