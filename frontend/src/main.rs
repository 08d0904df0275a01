//! Mailroom's web app: a Leptos single-page app that talks to the server's REST API.

mod api;
mod app;
mod components;
mod download;
mod focus;
mod http;
mod i18n;
mod pages;
mod session;
mod time;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
