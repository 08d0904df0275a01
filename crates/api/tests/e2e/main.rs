//! End-to-end tests: the real server on a fresh SQLite database serving the built web app
//! (frontend/dist), driven in Debian's headless Chromium through chromedriver. Every page visited
//! is saved as a screenshot, at desktop and phone width and in the light and dark schemes, under
//! `<target>/tmp/e2e-screenshots`, and measured there (axe-core, lines that must not wrap).
//!
//! `cargo xtask test` installs Chromium and chromedriver when missing and builds the web app first.

mod account;
mod browser;
mod checks;
mod home;
mod journey;
mod layout;
mod server;
mod suppressions;
mod webhooks;
// A real HTTP receiver for the webhook page's test events.
#[allow(dead_code)]
#[path = "../api/receiver.rs"]
mod receiver;
// Shared with the API tests, which use all of it.
#[allow(dead_code)]
#[path = "../api/smtp.rs"]
mod smtp;
