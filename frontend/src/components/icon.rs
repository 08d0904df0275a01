//! The app's few line icons, drawn on a 20-unit grid in the text colour. Decorative: the label
//! beside an icon says what it means.

use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Icon {
    Logo,
    Menu,
    Dashboard,
    Clients,
    Tags,
    Messages,
    Mailings,
    Profile,
    Users,
    AllMailings,
    AllClients,
    Suppressions,
    Integrations,
    Audit,
    SignOut,
}

impl Icon {
    fn paths(self) -> &'static [&'static str] {
        match self {
            Icon::Logo => &["M2.5 5.5h15v10h-15z", "M3 6l7 5.5L17 6"],
            Icon::Menu => &["M3 5.5h14", "M3 10h14", "M3 14.5h14"],
            Icon::Dashboard => &[
                "M3 3h6v8H3z",
                "M11 3h6v4h-6z",
                "M11 9h6v8h-6z",
                "M3 13h6v4H3z",
            ],
            Icon::Clients => &[
                "M10 9.5a3 3 0 1 0 0-6 3 3 0 0 0 0 6z",
                "M4 17c0-3.3 2.7-5 6-5s6 1.7 6 5",
            ],
            Icon::Tags => &[
                "M3 3.5h6.5l7.5 7.5-6 6-7.5-7.5V3.5z",
                "M6.5 7a.5.5 0 1 0 0-1 .5.5 0 0 0 0 1z",
            ],
            Icon::Messages => &["M3.5 3.5h13v10h-7l-4 3v-3h-2z", "M6.5 7.5h7", "M6.5 10.5h4"],
            Icon::Mailings => &["M2.5 9.5l15-7-5 15-2.5-5.5z", "M10 12L17.5 2.5"],
            Icon::Profile => &[
                "M7 13a3 3 0 1 0 0-6 3 3 0 0 0 0 6z",
                "M10 10h7.5",
                "M14.5 10v3",
                "M17 10v2",
            ],
            Icon::Users => &[
                "M10 2.5l6 2.5v4.5c0 3.7-2.6 6.6-6 7.5-3.4-.9-6-3.8-6-7.5V5z",
                "M7.5 10l2 2 3.5-4",
            ],
            Icon::AllMailings => &[
                "M2.5 7L10 3l7.5 4L10 11z",
                "M2.5 10.5L10 14.5l7.5-4",
                "M2.5 14L10 18l7.5-4",
            ],
            Icon::AllClients => &[
                "M7 9a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5z",
                "M2 16c0-2.8 2.2-4.5 5-4.5s5 1.7 5 4.5",
                "M13.5 9a2.2 2.2 0 1 0 0-4.4",
                "M14.5 11.6c2 .4 3.5 2 3.5 4.4",
            ],
            // A circle struck through: mail that does not go.
            Icon::Suppressions => &["M10 3a7 7 0 1 0 0 14 7 7 0 0 0 0-14z", "M5 5l10 10"],
            // A plug: two prongs, the body, the cord.
            Icon::Integrations => &[
                "M7.5 2.5v4",
                "M12.5 2.5v4",
                "M5 6.5h10v3a5 5 0 0 1-10 0z",
                "M10 14.5v3",
            ],
            // A sheet with lines, and a tick: what was done, written down.
            Icon::Audit => &[
                "M5 2.5h10v15H5z",
                "M7.5 6h5",
                "M7.5 9h5",
                "M7.5 13l1.5 1.5 3-3",
            ],
            Icon::SignOut => &["M8 3.5H4.5v13H8", "M12 6.5l3.5 3.5-3.5 3.5", "M15.5 10H8"],
        }
    }
}

#[component]
pub fn IconView(icon: Icon) -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
            {icon.paths().iter().map(|d| view! { <path d=*d /> }).collect_view()}
        </svg>
    }
}
