//! The phone's navigation drawer behaves as a menu should: it takes the focus when it opens and
//! gives it back to the menu button when it closes, and it closes on a choice, on the way to
//! another page, and when the window grows wide enough for the sidebar.

use leptos::prelude::*;

use crate::focus::focus;

/// Where the sidebar becomes a drawer; the same width as in style.css.
const DRAWER_MEDIA: &str = "(max-width: 860px)";

fn is_drawer() -> bool {
    window()
        .match_media(DRAWER_MEDIA)
        .ok()
        .flatten()
        .is_some_and(|m| m.matches())
}

#[component]
pub fn DrawerBehaviour(nav_open: RwSignal<bool>) -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    Effect::new(move |_| {
        location.pathname.track();
        nav_open.set(false);
    });
    let resized = window_event_listener(leptos::ev::resize, move |_| {
        if nav_open.get_untracked() && !is_drawer() {
            nav_open.set(false);
        }
    });
    on_cleanup(move || resized.remove());
    Effect::new(move |was_open: Option<bool>| {
        let open = nav_open.get();
        if open {
            // Once the drawer is drawn: a hidden element cannot take the focus.
            request_animation_frame(|| focus("#sidebar a"));
        } else if was_open == Some(true) {
            // Back to where the drawer was opened from, unless a choice in it moved the page on.
            let inside = document().active_element().is_none_or(|e| {
                e.closest("#sidebar, .nav-backdrop")
                    .ok()
                    .flatten()
                    .is_some()
                    || e.tag_name() == "BODY"
            });
            if inside {
                focus("[data-testid=menu-button]");
            }
        }
        open
    });
}
