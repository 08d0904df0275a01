use leptos::prelude::*;

use mailroom_domain::wire::Overview;

use crate::api;
use crate::components::server_status::ReadinessDetails;

/// One figure of the overview, labelled.
#[component]
fn Figure(label: &'static str, value: u64, testid: &'static str) -> impl IntoView {
    view! {
        <div class="figure">
            <span class="figure-value" data-testid=testid>{value.to_string()}</span>
            <span class="figure-label">{label}</span>
        </div>
    }
}

#[component]
fn Figures(overview: Overview) -> impl IntoView {
    view! {
        <div class="figures">
            <Figure label="Mailings" value=overview.mailings testid="overview-mailings" />
            <Figure label="Running now" value=overview.running_mailings testid="overview-running" />
            <Figure label="Unique recipients" value=overview.unique_recipients testid="overview-recipients" />
        </div>
    }
}

#[component]
pub fn Home() -> impl IntoView {
    let readiness = LocalResource::new(api::health::ready);
    let overview = LocalResource::new(api::stats::overview);
    view! {
        <h1>"Mailroom"</h1>
        <p class="muted">
            "Keep your recipients and messages, schedule mailings, send them on demand or on time, \
             and see every delivery attempt with the mail server's own answer."
        </p>
        <section class="card" aria-labelledby="overview-heading">
            <h2 id="overview-heading">"Across Mailroom"</h2>
            <Suspense fallback=|| view! { <p class="muted">"Counting…"</p> }>
                {move || Suspend::new(async move {
                    match overview.await {
                        Ok(figures) => view! { <Figures overview=figures /> }.into_any(),
                        Err(e) => view! {
                            <p class="status down" role="alert">{format!("The figures are unavailable: {e}")}</p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
        <section class="card" aria-labelledby="server-heading">
            <h2 id="server-heading">"Server"</h2>
            <Suspense fallback=|| view! { <p class="muted">"Checking the server…"</p> }>
                {move || Suspend::new(async move {
                    view! { <ReadinessDetails state=readiness.await /> }
                })}
            </Suspense>
        </section>
        <p>
            "Integrating? The REST API is documented at "
            <a href="/docs/" rel="external">"/docs"</a>"."
        </p>
    }
}
