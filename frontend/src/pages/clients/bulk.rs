//! Choosing clients in the table, on this page or every one the list matches, and changing them
//! at once: a tag added or taken off, or the clients deleted, after a question.

use std::collections::BTreeSet;

use leptos::prelude::*;
use mailroom_domain::tag::split_list;
use mailroom_domain::wire::{BulkClientsRequest, ClientFilter};

use crate::api::{self, ApiError};
use crate::components::dialog::ConfirmDialog;
use crate::components::list::ListState;
use crate::i18n::{
    Text, delete_clients_question, select_all_matching_line, selected_line, use_i18n,
};
use crate::session::use_session;

/// The clients chosen: some by id, or every one the list matches (its search and tag).
#[derive(Debug, Clone, Copy)]
pub struct Selection {
    pub ids: RwSignal<BTreeSet<i64>>,
    pub all_matching: RwSignal<bool>,
}

impl Selection {
    pub fn new() -> Self {
        Self {
            ids: RwSignal::new(BTreeSet::new()),
            all_matching: RwSignal::new(false),
        }
    }

    pub fn clear(&self) {
        self.ids.set(BTreeSet::new());
        self.all_matching.set(false);
    }

    pub fn toggle(&self, id: i64, on: bool) {
        self.all_matching.set(false);
        self.ids.update(|s| {
            if on {
                s.insert(id);
            } else {
                s.remove(&id);
            }
        });
    }

    /// Chooses or lets go of every client on the page shown.
    pub fn toggle_page(&self, page: &[i64], on: bool) {
        self.all_matching.set(false);
        self.ids.update(|s| {
            for id in page {
                if on {
                    s.insert(*id);
                } else {
                    s.remove(id);
                }
            }
        });
    }

    /// Whether every client of the page is chosen (reactive).
    pub fn has_page(&self, page: &[i64]) -> bool {
        !page.is_empty() && self.ids.with(|s| page.iter().all(|id| s.contains(id)))
    }

    /// The filter a bulk change sends: the chosen ids, or the list's own conditions.
    fn filter(&self, list: ListState) -> ClientFilter {
        if self.all_matching.get_untracked() {
            let q = list.q.get_untracked();
            let tag = list.filters.with_untracked(|f| f.get("tag").cloned());
            ClientFilter {
                q: Some(q).filter(|q| !q.trim().is_empty()),
                tags_any: tag.into_iter().filter(|t| !t.is_empty()).collect(),
                ..ClientFilter::default()
            }
        } else {
            ClientFilter {
                ids: Some(self.ids.get_untracked().into_iter().collect()),
                ..ClientFilter::default()
            }
        }
    }
}

/// What one bulk change does.
#[derive(Debug, Clone, PartialEq)]
enum Change {
    Add(Vec<String>),
    Remove(Vec<String>),
    Delete,
}

/// The bar above the table while clients are chosen. `total`: how many the list matches;
/// `page`: the ids shown; `done` runs after a change (the list reloads).
#[component]
pub fn BulkBar(
    list: ListState,
    selection: Selection,
    #[prop(into)] total: Signal<u64>,
    #[prop(into)] page: Signal<Vec<i64>>,
    #[prop(into)] done: Callback<Result<u64, ApiError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let tag = RwSignal::new(String::new());
    let apply = Action::new_local(move |change: &Change| {
        let filter = selection.filter(list);
        let request = match change.clone() {
            Change::Add(tags) => BulkClientsRequest {
                filter,
                add_tags: tags,
                remove_tags: Vec::new(),
                delete: false,
            },
            Change::Remove(tags) => BulkClientsRequest {
                filter,
                add_tags: Vec::new(),
                remove_tags: tags,
                delete: false,
            },
            Change::Delete => BulkClientsRequest {
                filter,
                add_tags: Vec::new(),
                remove_tags: Vec::new(),
                delete: true,
            },
        };
        async move { api::clients::bulk(session, &request).await }
    });
    Effect::new(move |_| {
        if let Some(result) = apply.value().get() {
            if result.is_ok() {
                selection.clear();
                tag.set(String::new());
            }
            done.run(result.map(|r| r.changed));
        }
    });
    let count = move || {
        if selection.all_matching.get() {
            total.get()
        } else {
            selection.ids.with(|s| s.len() as u64)
        }
    };
    let tags = move || {
        split_list(&tag.get_untracked())
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let deleting = RwSignal::new(None::<u64>);
    let whole_page = move || page.with(|p| selection.has_page(p));
    let any_chosen = move || count() > 0;
    // The whole page is chosen and the list has more: offer every matching client.
    let offer_all = move || {
        whole_page() && !selection.all_matching.get() && total.get() > page.with(Vec::len) as u64
    };
    view! {
        <Show when=any_chosen>
            <div class="bulk card" data-testid="bulk-bar" role="region" aria-label=move || i18n.t(Text::ChosenClients)>
                <p data-testid="selected">
                    {move || selected_line(i18n.lang.get(), count(), selection.all_matching.get())}
                    <Show when=offer_all>
                        " "
                        <button type="button" class="link" data-testid="select-all-matching"
                            on:click=move |_| selection.all_matching.set(true)>
                            {move || select_all_matching_line(i18n.lang.get(), total.get())}
                        </button>
                    </Show>
                </p>
                <form class="inline" on:submit=move |ev| { ev.prevent_default(); apply.dispatch(Change::Add(tags())); }>
                    <label for="bulk-tag">{move || i18n.t(Text::Tag)}</label>
                    <input id="bulk-tag" prop:value=move || tag.get() on:input=move |ev| tag.set(event_target_value(&ev)) />
                    <button type="submit" data-testid="bulk-add-tag"
                        disabled=move || apply.pending().get() || tag.with(|t| t.trim().is_empty())>
                        {move || i18n.t(Text::AddTheTag)}
                    </button>
                    <button type="button" class="secondary" data-testid="bulk-remove-tag"
                        disabled=move || apply.pending().get() || tag.with(|t| t.trim().is_empty())
                        on:click=move |_| { apply.dispatch(Change::Remove(tags())); }>
                        {move || i18n.t(Text::RemoveTag)}
                    </button>
                    <button type="button" class="secondary danger" data-testid="bulk-delete"
                        disabled=move || apply.pending().get()
                        on:click=move |_| deleting.set(Some(count()))>
                        {move || i18n.t(Text::Delete)}
                    </button>
                    <button type="button" class="link" on:click=move |_| selection.clear()>
                        {move || i18n.t(Text::ClearChoice)}
                    </button>
                </form>
            </div>
        </Show>
        <ConfirmDialog ask=deleting confirm=Text::Delete danger=true removes_opener=true
            title=move |n: &u64| delete_clients_question(i18n.lang.get(), *n)
            message=move |_: &u64| i18n.t(Text::DeleteClientsConsequence).to_owned()
            on_confirm=move |_: u64| { apply.dispatch(Change::Delete); } />
    }
}
