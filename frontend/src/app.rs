//! The frame every page shares and the route table.

use leptos::prelude::*;
use leptos_meta::{Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::drawer::DrawerBehaviour;
use crate::components::server_status::ServerStatusLine;
use crate::components::sidebar::{Sidebar, provide_nav_here};
use crate::components::topbar::TopBar;
use crate::i18n::{self, Text};
use crate::pages::clients::Clients;
use crate::pages::confirm::Confirm;
use crate::pages::dashboard::Dashboard;
use crate::pages::forgot::Forgot;
use crate::pages::home::Home;
use crate::pages::integrations::Integrations;
use crate::pages::integrations::deliveries::WebhookDeliveries;
use crate::pages::login::Login;
use crate::pages::mailings::Mailings;
use crate::pages::mailings::detail::MailingDetail;
use crate::pages::mailings::form::MailingForm;
use crate::pages::manage::{AllClients, AllMailings, AllSuppressions, AuditLog, Users};
use crate::pages::messages::Messages;
use crate::pages::messages::editor::MessageEditor;
use crate::pages::not_found::NotFound;
use crate::pages::profile::Profile;
use crate::pages::register::Register;
use crate::pages::reset::Reset;
use crate::pages::suppressions::Suppressions;
use crate::pages::tags::Tags;
use crate::pages::unsubscribe::Unsubscribe;
use crate::{focus, session};

#[component]
pub fn App() -> impl IntoView {
    let i18n = i18n::provide();
    session::provide();
    provide_meta_context();
    provide_nav_here();
    let session = session::use_session();
    // The phone's drawer: opened by the menu button, closed by a choice, Escape or a tap beside it.
    let nav_open = RwSignal::new(false);
    view! {
        <Title formatter=|page: String| {
            if page.is_empty() { "Mailroom".to_owned() } else { format!("{page} · Mailroom") }
        } />
        <Router>
            <DrawerBehaviour nav_open=nav_open />
            <div class="shell" class:visitor=move || session.user_id().is_none()
                class:nav-open=move || nav_open.get()
                on:keydown=move |ev| {
                    if ev.key() == "Escape" && nav_open.get_untracked() {
                        nav_open.set(false);
                    }
                }>
            <a class="skip-link" href="#content"
                on:click=|ev| {
                    // The router would take the click for a page change: move the focus itself.
                    ev.prevent_default();
                    focus::focus(focus::PAGE);
                }>
                {move || i18n.t(Text::SkipToContent)}
            </a>
            <TopBar nav_open=nav_open />
            <Show when=move || session.user_id().is_some()>
                <Sidebar />
                <button type="button" class="nav-backdrop" tabindex="-1" aria-hidden="true"
                    on:click=move |_| nav_open.set(false)></button>
            </Show>
            // While the drawer is open on a phone, the page behind it is out of reach.
            <main id="content" tabindex="-1" inert=move || nav_open.get()>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Home />
                    <Route path=path!("/login") view=Login />
                    <Route path=path!("/register") view=Register />
                    <Route path=path!("/confirm") view=Confirm />
                    <Route path=path!("/forgot-password") view=Forgot />
                    <Route path=path!("/reset-password") view=Reset />
                    <Route path=path!("/dashboard") view=Dashboard />
                    <Route path=path!("/clients") view=Clients />
                    <Route path=path!("/tags") view=Tags />
                    <Route path=path!("/suppressions") view=Suppressions />
                    <Route path=path!("/messages") view=Messages />
                    <Route path=path!("/messages/new") view=MessageEditor />
                    <Route path=path!("/messages/:id") view=MessageEditor />
                    <Route path=path!("/mailings") view=Mailings />
                    <Route path=path!("/mailings/new") view=MailingForm />
                    <Route path=path!("/mailings/:id") view=MailingDetail />
                    <Route path=path!("/mailings/:id/edit") view=MailingForm />
                    <Route path=path!("/profile") view=Profile />
                    <Route path=path!("/integrations") view=Integrations />
                    <Route path=path!("/integrations/webhooks/:id") view=WebhookDeliveries />
                    <Route path=path!("/manage/users") view=Users />
                    <Route path=path!("/manage/mailings") view=AllMailings />
                    <Route path=path!("/manage/clients") view=AllClients />
                    <Route path=path!("/manage/suppressions") view=AllSuppressions />
                    <Route path=path!("/manage/audit") view=AuditLog />
                    <Route path=path!("/u/:token") view=Unsubscribe />
                </Routes>
            </main>
            <footer class="app-footer" inert=move || nav_open.get()>
                <ServerStatusLine />
                <a href="/docs/" rel="external">{move || i18n.t(Text::ApiDocs)}</a>
            </footer>
            </div>
        </Router>
    }
}
