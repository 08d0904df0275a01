//! The app's navigation: sections of icon-and-label links, a fixed column on wide screens and a
//! drawer behind the menu button on phones. The sections grow with the product: what a later
//! page adds belongs in one of them, not in a new bar.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};

use crate::components::icon::{Icon, IconView};
use crate::i18n::{Text, use_i18n};
use crate::session::use_session;

struct Item {
    href: &'static str,
    label: Text,
    icon: Icon,
}

const SENDING: &[Item] = &[
    Item {
        href: "/dashboard",
        label: Text::Dashboard,
        icon: Icon::Dashboard,
    },
    Item {
        href: "/clients",
        label: Text::Clients,
        icon: Icon::Clients,
    },
    Item {
        href: "/tags",
        label: Text::Tags,
        icon: Icon::Tags,
    },
    Item {
        href: "/suppressions",
        label: Text::Suppressions,
        icon: Icon::Suppressions,
    },
    Item {
        href: "/messages",
        label: Text::Messages,
        icon: Icon::Messages,
    },
    Item {
        href: "/mailings",
        label: Text::Mailings,
        icon: Icon::Mailings,
    },
];

const ACCOUNT: &[Item] = &[
    Item {
        href: "/profile",
        label: Text::Profile,
        icon: Icon::Profile,
    },
    Item {
        href: "/integrations",
        label: Text::Integrations,
        icon: Icon::Integrations,
    },
];

const MANAGING: &[Item] = &[
    Item {
        href: "/manage/users",
        label: Text::Users,
        icon: Icon::Users,
    },
    Item {
        href: "/manage/mailings",
        label: Text::AllMailings,
        icon: Icon::AllMailings,
    },
    Item {
        href: "/manage/clients",
        label: Text::AllClients,
        icon: Icon::AllClients,
    },
    Item {
        href: "/manage/suppressions",
        label: Text::AllSuppressions,
        icon: Icon::Suppressions,
    },
    Item {
        href: "/manage/audit",
        label: Text::AuditLog,
        icon: Icon::Audit,
    },
];

/// Which item a page belongs to when its address alone does not say: a manager reading someone
/// else's mailing is in "All mailings", not in "Mailings".
#[derive(Debug, Clone, Copy)]
pub struct NavHere(RwSignal<Option<&'static str>>);

pub fn provide_nav_here() {
    provide_context(NavHere(RwSignal::new(None)));
}

/// Marks the item `href` as current while the calling page is shown.
pub fn mark_current(href: &'static str) {
    let NavHere(here) = expect_context::<NavHere>();
    here.set(Some(href));
    on_cleanup(move || {
        let _ = here.try_set(None);
    });
}

#[component]
fn Section(title: Text, items: &'static [Item], testid: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let NavHere(here) = expect_context::<NavHere>();
    let heading = format!("nav-{testid}");
    let labelled_by = heading.clone();
    // The item whose address the path begins with, unless the page said otherwise.
    let current = move |href: &'static str| match here.get() {
        Some(marked) => marked == href,
        None => {
            let path = location.pathname.get();
            path == href || path.starts_with(&format!("{href}/"))
        }
    };
    view! {
        // A group, not a region: the page's own sections keep the landmarks to themselves.
        <div class="nav-section" role="group" aria-labelledby=labelled_by data-testid=testid>
            <h2 id=heading>{move || i18n.t(title)}</h2>
            <ul>
                {items.iter().map(|item| view! {
                    <li>
                        <a class="nav-item" href=item.href
                            aria-current=move || current(item.href).then_some("page")>
                            <IconView icon=item.icon />
                            <span>{move || i18n.t(item.label)}</span>
                        </a>
                    </li>
                }).collect_view()}
            </ul>
        </div>
    }
}

#[component]
pub fn Sidebar() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let sign_out = move |_| {
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            session.end().await;
            navigate("/login", Default::default());
        });
    };
    view! {
        <nav class="sidebar" id="sidebar" aria-label=move || i18n.t(Text::MainNav)>
            <Section title=Text::SendingSection items=SENDING testid="nav-sending" />
            <Section title=Text::MyAccount items=ACCOUNT testid="nav-account" />
            <Show when=move || session.is_manager()>
                <Section title=Text::Managing items=MANAGING testid="manager-menu" />
            </Show>
            <div class="account">
                <span class="who" data-testid="signed-in-as">
                    {move || session.user.get().map(|u| u.email).unwrap_or_default()}
                </span>
                <button type="button" class="nav-item" data-testid="sign-out" on:click=sign_out>
                    <IconView icon=Icon::SignOut />
                    <span>{move || i18n.t(Text::SignOut)}</span>
                </button>
            </div>
        </nav>
    }
}
