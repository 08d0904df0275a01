use leptos::prelude::*;

use mailroom_domain::wire::Overview;

use crate::api;
use crate::components::figure::Figure;
use crate::components::server_status::ReadinessDetails;
use crate::i18n::{Text, use_i18n};

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
    view! {
        <h1>"Mailroom"</h1>
        <p class="muted">{move || i18n.t(Text::Tagline)}</p>
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
