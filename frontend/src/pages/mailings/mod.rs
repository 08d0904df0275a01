//! `/mailings` and its pages: the list, the form, and one mailing with its runs and attempts.

mod attempts;
mod audience;
pub mod detail;
pub mod form;
mod picker;
mod progress;
pub mod table;

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::guard::SignedIn;
use crate::components::list::{ListState, SearchBox};
use crate::components::title::PageTitle;
use crate::i18n::{Text, use_i18n};
use crate::session::use_session;
use table::MailingTable;

#[component]
pub fn Mailings() -> impl IntoView {
    view! { <SignedIn><MailingsPage /></SignedIn> }
}

#[component]
fn MailingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let list = ListState::in_url("-created_at", 20, &[]);
    view! {
        <PageTitle text=Text::Mailings />
        <div class="page-head">
            <h1>{move || i18n.t(Text::Mailings)}</h1>
            <A href="/mailings/new" attr:class="button" attr:data-testid="new-mailing">
                {move || i18n.t(Text::NewMailing)}
            </A>
        </div>
        <div class="toolbar">
            <SearchBox list=list label=Text::SearchMailings />
        </div>
        <MailingTable list=list owner=Signal::derive(move || session.user_id()) />
    }
}
