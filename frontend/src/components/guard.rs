//! Pages for signed-in people and for managers. Visitors are sent to sign in (and come back
//! afterwards); a plain user sees "not found" where a manager page would be.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate};

use crate::components::notice::Loading;
use crate::pages::not_found::NotFound;
use crate::session::use_session;

/// `/login?next=<this page>`, plus why the session ended when it did by itself.
fn login_path(next: &str, reason: Option<&str>) -> String {
    let mut path = format!("/login?next={}", js_sys::encode_uri_component(next));
    if let Some(reason) = reason {
        path.push_str("&reason=");
        path.push_str(reason);
    }
    path
}

/// Sends the person to sign in when their session ends by itself (expired, blocked), from
/// whatever page they are on.
#[component]
pub fn SessionGuard() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let location = use_location();
    Effect::new(move |_| {
        if let Some(ended) = session.ended.get() {
            let here = format!(
                "{}{}",
                location.pathname.get_untracked(),
                location.search.get_untracked()
            );
            let next = if here.starts_with("/login") {
                "/dashboard".to_owned()
            } else {
                here
            };
            navigate(
                &login_path(&next, Some(ended.code())),
                NavigateOptions::default(),
            );
        }
    });
}

/// Shows `children` to signed-in people; sends visitors to sign in.
#[component]
pub fn SignedIn(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let location = use_location();
    Effect::new(move |_| {
        if session.known.get() && session.user_id().is_none() && session.ended.get().is_none() {
            let here = format!(
                "{}{}",
                location.pathname.get_untracked(),
                location.search.get_untracked()
            );
            navigate(&login_path(&here, None), NavigateOptions::default());
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
