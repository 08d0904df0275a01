use leptos::prelude::*;

use crate::api;
use crate::components::server_status::ReadinessDetails;

#[component]
pub fn Home() -> impl IntoView {
    let readiness = LocalResource::new(api::health::ready);
    view! {
        <h1>"Mailroom"</h1>
        <p class="muted">
            "Keep your recipients and messages, schedule mailings, send them on demand or on time, \
             and see every delivery attempt with the mail server's own answer."
        </p>
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
