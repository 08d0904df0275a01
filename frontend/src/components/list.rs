//! What every table of the app shares: a search box, sortable column headers and a pager, kept
//! in one `ListState` that gives the query to send.

use std::time::Duration;

use leptos::prelude::*;

use mailroom_domain::wire::Page;

use crate::api::{ApiError, ListQuery};
use crate::components::notice::{Loading, failed};
use crate::i18n::{Text, range_line, use_i18n};

#[derive(Debug, Clone, Copy)]
pub struct ListState {
    pub page: RwSignal<u32>,
    pub sort: RwSignal<String>,
    pub q: RwSignal<String>,
    pub per_page: u32,
    /// Bumped after a change, to load the page again.
    pub version: RwSignal<u32>,
}

impl ListState {
    pub fn new(sort: &str, per_page: u32) -> Self {
        Self {
            page: RwSignal::new(1),
            sort: RwSignal::new(sort.to_owned()),
            q: RwSignal::new(String::new()),
            per_page,
            version: RwSignal::new(0),
        }
    }

    /// The query to send (reactive).
    pub fn query(&self) -> ListQuery {
        self.version.track();
        ListQuery {
            page: self.page.get(),
            per_page: self.per_page,
            sort: self.sort.get(),
            q: self.q.get(),
            owner_id: None,
        }
    }

    pub fn search(&self, text: String) {
        self.q.set(text);
        self.page.set(1);
    }

    /// Sorts by `field`; the same field again reverses the order.
    pub fn sort_by(&self, field: &str) {
        let next = if self.sort.get_untracked() == field {
            format!("-{field}")
        } else {
            field.to_owned()
        };
        self.sort.set(next);
        self.page.set(1);
    }

    pub fn reload(&self) {
        self.version.update(|v| *v += 1);
    }
}

/// A search input that searches a quarter second after the typing stops, or at once on Enter
/// (which, inside a form, must not submit it).
#[component]
pub fn SearchBox(list: ListState, label: Text) -> impl IntoView {
    let i18n = use_i18n();
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let cancel = move || {
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
    };
    let on_input = move |ev| {
        let text = event_target_value(&ev);
        cancel();
        let handle =
            set_timeout_with_handle(move || list.search(text), Duration::from_millis(250)).ok();
        pending.set_value(handle);
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" {
            ev.prevent_default();
            cancel();
            list.search(event_target_value(&ev));
        }
    };
    view! {
        <label class="search">
            <span class="visually-hidden">{move || i18n.t(label)}</span>
            <input type="search" placeholder=move || i18n.t(label) on:input=on_input
                on:keydown=on_keydown data-testid="search" />
        </label>
    }
}

/// A column header that sorts the table by `field`.
#[component]
pub fn SortHeader(list: ListState, field: &'static str, label: Text) -> impl IntoView {
    let i18n = use_i18n();
    let order = move || {
        let sort = list.sort.get();
        if sort == field {
            Some("ascending")
        } else if sort.strip_prefix('-') == Some(field) {
            Some("descending")
        } else {
            None
        }
    };
    view! {
        <th scope="col" aria-sort=move || order().unwrap_or("none")>
            <button type="button" class="sort" on:click=move |_| list.sort_by(field)>
                {move || i18n.t(label)}
                <span aria-hidden="true">
                    {move || match order() {
                        Some("ascending") => " ▲",
                        Some(_) => " ▼",
                        None => "",
                    }}
                </span>
            </button>
        </th>
    }
}

/// "21–40 of 57" with the previous and next buttons.
#[component]
pub fn Pager(list: ListState, #[prop(into)] total: Signal<u64>) -> impl IntoView {
    let i18n = use_i18n();
    let per_page = u64::from(list.per_page);
    let last_page = move || total.get().div_ceil(per_page).max(1) as u32;
    // After deleting the last rows of the last page, show the page that now is the last.
    Effect::new(move |_| {
        let last = last_page();
        if list.page.get_untracked() > last {
            list.page.set(last);
        }
    });
    view! {
        <nav class="pager" aria-label=move || i18n.t(Text::Pages)>
            <button type="button" class="secondary" disabled=move || { list.page.get() <= 1 }
                on:click=move |_| list.page.update(|p| *p = p.saturating_sub(1).max(1))>
                {move || i18n.t(Text::Previous)}
            </button>
            <span class="muted" data-testid="range">
                {move || {
                    let from = u64::from(list.page.get() - 1) * per_page;
                    let to = (from + per_page).min(total.get());
                    range_line(i18n.lang.get(), from + 1, to, total.get())
                }}
            </span>
            <button type="button" class="secondary" disabled=move || { list.page.get() >= last_page() }
                on:click=move |_| list.page.update(|p| *p += 1)>
                {move || i18n.t(Text::Next)}
            </button>
        </nav>
    }
}

/// One page of a list: loading, a failure, the empty state (`empty` before any search, "nothing
/// found" after one), or the rows as `table` draws them; and the pager below.
#[component]
pub fn Paged<T, F, V>(
    list: ListState,
    rows: LocalResource<Result<Page<T>, ApiError>>,
    empty: Text,
    table: F,
    /// Whether a filter other than the search narrows the list (then empty means no match).
    #[prop(optional, into)]
    filtered: Option<Signal<bool>>,
) -> impl IntoView
where
    T: Clone + 'static,
    F: Fn(Vec<T>) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let i18n = use_i18n();
    // Kept from inside the Suspense: reading the resource out here would make an enclosing
    // Suspense (a form around a picker) redraw everything, and take the focus from the search.
    let total = RwSignal::new(0_u64);
    let table = StoredValue::new(table);
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match rows.await {
                    Err(e) => failed(e),
                    Ok(page) => {
                        total.set(page.total);
                        if page.items.is_empty() {
                            view! {
                                <p class="empty" data-testid="empty">
                                    {move || {
                                        let narrowed = !list.q.get().trim().is_empty()
                                            || filtered.is_some_and(|f| f.get());
                                        i18n.t(if narrowed { Text::NothingFound } else { empty })
                                    }}
                                </p>
                            }.into_any()
                        } else {
                            table.with_value(|table| table(page.items)).into_any()
                        }
                    }
                }
            })}
        </Suspense>
        <Pager list=list total=total />
    }
}
