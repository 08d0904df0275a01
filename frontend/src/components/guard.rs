//! Pages for signed-in people and for managers. Visitors are sent to sign in (and come back
//! afterwards); a plain user sees "not found" where a manager page would be.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate};

use crate::components::notice::Loading;
use crate::pages::not_found::NotFound;
use crate::session::{Ended, use_session};

/// `/login?next=<this page>`, plus why the session ended when it did by itself.
fn login_path(next: &str, reason: Option<&str>) -> String {
    let mut path = format!("/login?next={}", js_sys::encode_uri_component(next));
    if let Some(reason) = reason {
        path.push_str("&reason=");
        path.push_str(reason);
    }
    path
}

/// Shows `children` to signed-in people. Visitors, and people whose session just ended by itself
/// (expired, blocked), are sent to sign in, with the reason, and come back here afterwards.
#[component]
pub fn SignedIn(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let location = use_location();
    Effect::new(move |_| {
        if session.known.get() && session.user_id().is_none() {
            let reason = session.ended.get().map(Ended::code);
            let path = location.pathname.get_untracked();
            // Signing out has already moved to the sign-in page.
            if path.starts_with("/login") {
                return;
            }
            // The router gives the query without its `?`.
            let search = location.search.get_untracked();
            let search = search.trim_start_matches('?');
            let here = if search.is_empty() {
                path
            } else {
                format!("{path}?{search}")
            };
            // Replacing the entry keeps Back from bouncing between this page and sign-in.
            let options = NavigateOptions {
                replace: true,
                ..NavigateOptions::default()
            };
            navigate(&login_path(&here, reason), options);
        }
    });
    view! {
        <Show when=move || session.user_id().is_some() fallback=Loading>
            {children()}
        </Show>
    }
}

/// Shows `children` to managers only.
#[component]
pub fn ManagersOnly(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    let children = StoredValue::new(children);
    view! {
        <SignedIn>
            <Show when=move || session.is_manager() fallback=NotFound>
                {children.read_value()()}
            </Show>
        </SignedIn>
    }
}
