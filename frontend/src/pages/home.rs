//! `/`: what Mailroom is, the way in for a visitor, and everyone's figures and the server's state.

use leptos::prelude::*;
use leptos_router::components::A;

use mailroom_domain::wire::Overview;

use crate::api;
use crate::components::figure::Figure;
use crate::components::server_status::ReadinessDetails;
use crate::components::title::PageTitle;
use crate::i18n::{Text, use_i18n};
use crate::session::use_session;

#[component]
fn Figures(overview: Overview) -> impl IntoView {
    view! {
        <div class="figures">
            <Figure label=Text::Mailings value=overview.mailings testid="overview-mailings" />
            <Figure label=Text::RunningNow value=overview.running_mailings testid="overview-running" />
            <Figure label=Text::UniqueRecipients value=overview.unique_recipients testid="overview-recipients" />
        </div>
    }
}

#[component]
pub fn Home() -> impl IntoView {
    let i18n = use_i18n();
    let readiness = LocalResource::new(api::health::ready);
    let overview = LocalResource::new(api::stats::overview);
    let session = use_session();
    view! {
        <PageTitle text=Text::Home />
        <section class="hero">
            <h1>{move || i18n.t(Text::HomeTitle)}</h1>
            <p>{move || i18n.t(Text::Tagline)}</p>
            <div class="actions">
                <Show
                    when=move || session.user_id().is_some()
                    fallback=move || view! {
                        <A href="/register" attr:class="button" attr:data-testid="home-register">{move || i18n.t(Text::CreateAccount)}</A>
                        <A href="/login" attr:class="button secondary">{move || i18n.t(Text::SignIn)}</A>
                    }
                >
                    <A href="/dashboard" attr:class="button">{move || i18n.t(Text::GoToDashboard)}</A>
                </Show>
            </div>
        </section>
        <section class="card" aria-labelledby="overview-heading">
            <h2 id="overview-heading" data-testid="overview-heading">
                {move || i18n.t(Text::AcrossMailroom)}
            </h2>
            <Suspense fallback=move || view! { <p class="muted">{i18n.t(Text::Counting)}</p> }>
                {move || Suspend::new(async move {
                    match overview.await {
                        Ok(figures) => view! { <Figures overview=figures /> }.into_any(),
                        Err(e) => view! {
                            <p class="status down" role="alert">
                                {move || format!("{}: {e}", i18n.t(Text::FiguresUnavailable))}
                            </p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
        <section class="card" aria-labelledby="server-heading">
            <h2 id="server-heading">{move || i18n.t(Text::Server)}</h2>
            <Suspense fallback=move || view! { <p class="muted">{i18n.t(Text::CheckingServer)}</p> }>
                {move || Suspend::new(async move {
                    view! { <ReadinessDetails state=readiness.await /> }
                })}
            </Suspense>
        </section>
        <p>
            {move || i18n.t(Text::ApiDocumentedAt)}
            <a href="/docs/" rel="external">"/docs"</a>"."
        </p>
    }
}
