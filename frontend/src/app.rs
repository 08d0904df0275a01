//! The frame every page shares and the route table.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::header::Header;
use crate::components::server_status::ServerStatusLine;
use crate::i18n::{self, Text};
use crate::pages::confirm::Confirm;
use crate::pages::dashboard::Dashboard;
use crate::pages::forgot::Forgot;
use crate::pages::home::Home;
use crate::pages::login::Login;
use crate::pages::not_found::NotFound;
use crate::pages::register::Register;
use crate::pages::reset::Reset;
use crate::pages::unsubscribe::Unsubscribe;
use crate::session;

#[component]
pub fn App() -> impl IntoView {
    let i18n = i18n::provide();
    session::provide();
    view! {
        <Router>
            <a class="skip-link" href="#content">{move || i18n.t(Text::SkipToContent)}</a>
            <Header />
            <main id="content">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Home />
                    <Route path=path!("/login") view=Login />
                    <Route path=path!("/register") view=Register />
                    <Route path=path!("/confirm") view=Confirm />
                    <Route path=path!("/forgot-password") view=Forgot />
                    <Route path=path!("/reset-password") view=Reset />
                    <Route path=path!("/dashboard") view=Dashboard />
                    <Route path=path!("/u/:token") view=Unsubscribe />
                </Routes>
            </main>
            <footer class="app-footer">
                <ServerStatusLine />
            </footer>
        </Router>
    }
}
