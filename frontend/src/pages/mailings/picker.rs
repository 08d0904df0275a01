//! Choosing a mailing's clients: search my clients, tick them page by page; the chosen ones stay
//! chosen across searches.

use std::collections::{BTreeSet, HashMap};

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::list::{ListState, Pager, SearchBox};
use crate::components::notice::{Loading, failed};
use crate::i18n::{Text, chosen_line, more_line, use_i18n};
use crate::session::use_session;

/// Chosen clients named one by one at most; a mailing of thousands shows the rest as a count.
const CHIPS: usize = 50;

#[component]
pub fn ClientPicker(
    selected: RwSignal<BTreeSet<i64>>,
    /// Addresses of the clients known so far, to name the chosen ones.
    names: RwSignal<HashMap<i64, String>>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let list = ListState::new("email", 10);
    let clients = LocalResource::new(move || {
        let mut query = list.query();
        query.owner_id = session.user_id();
        async move { api::clients::list(session, &query, None).await }
    });
    // Set from inside the Suspense (see `Paged`): the form around keeps the search's focus.
    let total = RwSignal::new(None::<u64>);
    let toggle = move |id: i64, on: bool| {
        selected.update(|s| {
            if on {
                s.insert(id);
            } else {
                s.remove(&id);
            }
        })
    };
    view! {
        <fieldset class="picker" aria-describedby="client_ids-error" data-testid="client-picker">
            <legend>{move || i18n.t(Text::Clients)}</legend>
            <div class="actions">
                <p class="muted" data-testid="chosen">{move || chosen_line(i18n.lang.get(), selected.with(BTreeSet::len))}</p>
                <span class="field-error" id="client_ids-error" data-testid="error-client_ids">{move || error.get()}</span>
                <Show when=move || selected.with(|s| !s.is_empty())>
                    <button type="button" class="link" on:click=move |_| selected.set(BTreeSet::new())>
                        {move || i18n.t(Text::ClearChoice)}
                    </button>
                </Show>
            </div>
            // The first chosen clients known by address; the others counted.
            <ul class="chips">
                {move || selected.get().into_iter().filter_map(|id| {
                    names.with(|n| n.get(&id).cloned()).map(|email| (id, email))
                }).take(CHIPS).map(|(id, email)| view! {
                        <li>
                            {email.clone()}
                            <button type="button" class="link remove" aria-label=move || format!("{} {email}", i18n.t(Text::Remove))
                                on:click=move |_| toggle(id, false)>"×"</button>
                        </li>
                    }).collect_view()}
                {move || {
                    let named = selected.with(|s| names.with(|n| s.iter().filter(|id| n.contains_key(id)).count()));
                    let not_shown = selected.with(BTreeSet::len) - named.min(CHIPS);
                    (not_shown > 0).then(|| view! { <li class="more">{more_line(i18n.lang.get(), not_shown)}</li> })
                }}
            </ul>
            <SearchBox list=list label=Text::SearchClients />
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    let page = clients.await;
                    if let Ok(page) = &page {
                        total.set(Some(page.total));
                    }
                    match page {
                        Err(e) => failed(e),
                        Ok(page) if page.items.is_empty() && list.q.get_untracked().trim().is_empty() => view! {
                            <p class="empty">
                                {move || i18n.t(Text::AddClientsFirst)}" "
                                <A href="/clients">{move || i18n.t(Text::AddClientsOnTheirPage)}</A>
                            </p>
                        }.into_any(),
                        Ok(page) if page.items.is_empty() => view! {
                            <p class="empty">{move || i18n.t(Text::NothingFound)}</p>
                        }.into_any(),
                        Ok(page) => {
                            names.update(|n| n.extend(page.items.iter().map(|c| (c.id, c.email.clone()))));
                            let shown: Vec<i64> = page.items.iter().map(|c| c.id).collect();
                            view! {
                                <ul class="choices">
                                    {page.items.into_iter().map(|client| {
                                        let id = client.id;
                                        view! {
                                            <li>
                                                <label>
                                                    <input type="checkbox"
                                                        prop:checked=move || selected.with(|s| s.contains(&id))
                                                        on:change=move |ev| toggle(id, event_target_checked(&ev)) />
                                                    {client.email}
                                                    <span class="muted">" "{client.full_name}</span>
                                                </label>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                                <button type="button" class="secondary" data-testid="choose-shown"
                                    on:click=move |_| selected.update(|s| s.extend(shown.iter().copied()))>
                                    {move || i18n.t(Text::ChooseAllShown)}
                                </button>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
            <Pager list=list total=total />
        </fieldset>
    }
}
