//! What every table of the app shares: a search box, sortable column headers and a pager, kept
//! in one `ListState` that gives the query to send. A page's main list keeps that state in the
//! address (`?q=bob&sort=email&page=2&outcome=failure`), so reload, Back and a shared link show
//! the same list.

use std::collections::BTreeMap;
use std::time::Duration;

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};

use mailroom_domain::wire::Page;

use crate::api::{ApiError, ListQuery};
use crate::components::notice::{Loading, failed};
use crate::i18n::{Text, range_line, use_i18n};

#[derive(Debug, Clone, Copy)]
pub struct ListState {
    pub page: RwSignal<u32>,
    pub sort: RwSignal<String>,
    pub q: RwSignal<String>,
    /// Narrowing beyond the search, by name (`outcome` → `failure`); empty values are left out.
    pub filters: RwSignal<BTreeMap<&'static str, String>>,
    pub per_page: u32,
    /// Bumped after a change, to load the page again.
    pub version: RwSignal<u32>,
    /// The next change replaces the address's history entry instead of adding one (a change
    /// the app made by itself, which Back should not undo).
    replace_next: StoredValue<bool>,
    /// The order the list starts in, and falls back to when the server refuses another.
    default_sort: &'static str,
}

/// The list's state as query parameters, defaults left out.
fn to_params(list: &ListState, default_sort: &str) -> Vec<(String, String)> {
    let mut params = Vec::new();
    // As typed: trimming here would rewrite the search box under the typing.
    let q = list.q.get();
    if !q.is_empty() {
        params.push(("q".to_owned(), q));
    }
    let sort = list.sort.get();
    if sort != default_sort {
        params.push(("sort".to_owned(), sort));
    }
    let page = list.page.get();
    if page > 1 {
        params.push(("page".to_owned(), page.to_string()));
    }
    list.filters.with(|filters| {
        for (name, value) in filters {
            if !value.is_empty() {
                params.push(((*name).to_owned(), value.clone()));
            }
        }
    });
    params
}

fn query_string(params: &[(String, String)]) -> String {
    if params.is_empty() {
        return String::new();
    }
    let pairs: Vec<String> = params
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                js_sys::encode_uri_component(k),
                js_sys::encode_uri_component(v)
            )
        })
        .collect();
    format!("?{}", pairs.join("&"))
}

impl ListState {
    /// A list of its own (a picker inside a form): its state is not in the address.
    pub fn new(sort: &'static str, per_page: u32) -> Self {
        Self {
            page: RwSignal::new(1),
            sort: RwSignal::new(sort.to_owned()),
            q: RwSignal::new(String::new()),
            filters: RwSignal::new(BTreeMap::new()),
            per_page,
            version: RwSignal::new(0),
            replace_next: StoredValue::new(false),
            default_sort: sort,
        }
    }

    /// The page's main list, its search, sort, page and `filters` kept in the query string: a
    /// change adds a history entry, and Back or a changed address brings the list along.
    pub fn in_url(sort: &'static str, per_page: u32, filters: &'static [&'static str]) -> Self {
        let query = use_query_map();
        let location = use_location();
        let navigate = use_navigate();
        let list = Self::new(sort, per_page);
        // The address → the list (on arrival, and after Back or Forward).
        let read = move || {
            query.with(|q| {
                let page = q
                    .get("page")
                    .and_then(|p| p.parse::<u32>().ok())
                    .filter(|p| *p >= 1)
                    .unwrap_or(1);
                let sort_now = q
                    .get("sort")
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| sort.to_owned());
                let text = q.get("q").unwrap_or_default();
                let chosen: BTreeMap<&'static str, String> = filters
                    .iter()
                    .map(|name| (*name, q.get(name).unwrap_or_default()))
                    .collect();
                (page, sort_now, text, chosen)
            })
        };
        let apply = move |(page, sort_now, text, chosen): (
            u32,
            String,
            String,
            BTreeMap<&'static str, String>,
        )| {
            if list.page.get_untracked() != page {
                list.page.set(page);
            }
            if list.sort.get_untracked() != sort_now {
                list.sort.set(sort_now);
            }
            if list.q.get_untracked() != text {
                list.q.set(text);
            }
            if list.filters.get_untracked() != chosen {
                list.filters.set(chosen);
            }
        };
        apply(read());
        Effect::new(move |_| apply(read()));
        // The list → the address, after a change of the list's own (one the address made is
        // already what the address says).
        Effect::new(move |_| {
            let wanted = query_string(&to_params(&list, sort));
            let state = (
                list.page.get_untracked(),
                list.sort.get_untracked(),
                list.q.get_untracked(),
                list.filters.get_untracked(),
            );
            let was = untrack(read);
            if was == state {
                return;
            }
            // Refining a search is one step for Back, however many pauses the typing had.
            let refined =
                was.2 != state.2 && !was.2.is_empty() && was.1 == state.1 && was.3 == state.3;
            let replace = list.replace_next.get_value() || refined;
            list.replace_next.set_value(false);
            let path = location.pathname.get_untracked();
            navigate(
                &format!("{path}{wanted}"),
                NavigateOptions {
                    replace,
                    scroll: false,
                    ..NavigateOptions::default()
                },
            );
        });
        list
    }

    /// The value of the filter `name` (reactive); empty when none is chosen.
    pub fn filter(&self, name: &'static str) -> String {
        self.filters
            .with(|f| f.get(name).cloned().unwrap_or_default())
    }

    /// Narrows the list by `name`, from its first page.
    pub fn set_filter(&self, name: &'static str, value: String) {
        self.filters.update(|f| {
            f.insert(name, value);
        });
        self.page.set(1);
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

    /// Back to the default order, replacing the address's entry: for a sort the server refused
    /// (an old or hand-edited link).
    pub fn sort_by_default(&self) {
        if self.sort.get_untracked() != self.default_sort {
            self.replace_next.set_value(true);
            self.sort.set(self.default_sort.to_owned());
        }
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
        pending.set_value(None);
    };
    // The search changed from elsewhere (Back, a link): what was being typed is dropped.
    Effect::new(move |_| {
        list.q.track();
        cancel();
    });
    let on_input = move |ev| {
        let text = event_target_value(&ev);
        cancel();
        let handle = set_timeout_with_handle(
            move || {
                pending.set_value(None);
                list.search(text);
            },
            Duration::from_millis(250),
        )
        .ok();
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
                prop:value=move || list.q.get()
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
pub fn Pager(list: ListState, #[prop(into)] total: Signal<Option<u64>>) -> impl IntoView {
    let i18n = use_i18n();
    let per_page = u64::from(list.per_page);
    let count = move || total.get().unwrap_or(0);
    let last_page = move || count().div_ceil(per_page).max(1) as u32;
    // After deleting the last rows of the last page, show the page that now is the last. Only
    // once the list has answered: before, page 3 of a shared link is not known to be too far.
    Effect::new(move |_| {
        if total.get().is_none() {
            return;
        }
        let last = last_page();
        if list.page.get_untracked() > last {
            list.replace_next.set_value(true);
            list.page.set(last);
        }
    });
    view! {
        // Nothing to page through in an empty list.
        <Show when=move || { count() > 0 }>
        <nav class="pager" aria-label=move || i18n.t(Text::Pages)>
            <button type="button" class="secondary" disabled=move || { list.page.get() <= 1 }
                on:click=move |_| list.page.update(|p| *p = p.saturating_sub(1).max(1))>
                {move || i18n.t(Text::Previous)}
            </button>
            <span class="muted" data-testid="range">
                {move || {
                    let from = u64::from(list.page.get() - 1) * per_page;
                    let to = (from + per_page).min(count());
                    range_line(i18n.lang.get(), from + 1, to, count())
                }}
            </span>
            <button type="button" class="secondary" disabled=move || { list.page.get() >= last_page() }
                on:click=move |_| list.page.update(|p| *p += 1)>
                {move || i18n.t(Text::Next)}
            </button>
        </nav>
        </Show>
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
    let total = RwSignal::new(None::<u64>);
    let table = StoredValue::new(table);
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match rows.await {
                    // A link with an order this list does not have: shown in its own order.
                    Err(e) if e.field("sort").is_some() => {
                        list.sort_by_default();
                        view! { <Loading /> }.into_any()
                    }
                    Err(e) => failed(e),
                    Ok(page) => {
                        total.set(Some(page.total));
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
