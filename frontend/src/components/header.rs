use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn Header() -> impl IntoView {
    view! {
        <header class="app-header">
            <A href="/" attr:class="brand">"Mailroom"</A>
            <nav class="main-nav" aria-label="Main">
                <A href="/">"Home"</A>
                <a href="/docs/" rel="external">"API docs"</a>
            </nav>
        </header>
    }
}
