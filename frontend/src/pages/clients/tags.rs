//! A client's tags in the table: each a chip that narrows the list to its clients, taken off with
//! its ×; **+ Tag** adds one.

use leptos::prelude::*;
use mailroom_domain::wire::Client;

use crate::api;
use crate::components::notice::ApiErrorNotice;
use crate::i18n::{Text, use_i18n};
use crate::session::use_session;

#[component]
pub fn TagChips(
    client: Client,
    /// Narrows the list to the clients carrying this tag.
    #[prop(into)]
    show: Callback<String>,
    /// The client's tags changed.
    #[prop(into)]
    changed: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let id = client.id;
    let tags = client.tags;
    let adding = RwSignal::new(false);
    let text = RwSignal::new(String::new());
    let save = Action::new_local(move |tags: &Vec<String>| {
        let tags = tags.clone();
        async move { api::clients::set_tags(session, id, tags).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            adding.set(false);
            changed.run(());
        }
    });
    let without = {
        let tags = tags.clone();
        move |tag: &str| {
            tags.iter()
                .filter(|t| !t.eq_ignore_ascii_case(tag))
                .cloned()
                .collect::<Vec<_>>()
        }
    };
    let with_new = {
        let tags = tags.clone();
        move |new: String| {
            let mut all = tags.clone();
            all.extend(
                mailroom_domain::tag::split_list(&new)
                    .into_iter()
                    .map(str::to_owned),
            );
            all
        }
    };
    let input_id = format!("new-tag-{id}");
    let label_for = input_id.clone();
    view! {
        <div class="tag-chips" data-testid="client-tags">
            <ul class="chips">
                {tags.iter().map(|tag| {
                    let (shown, removed, named) = (tag.clone(), without(tag), tag.clone());
                    view! {
                        <li>
                            <button type="button" class="link" on:click=move |_| show.run(shown.clone())>{tag.clone()}</button>
                            <button type="button" class="link remove" disabled=move || save.pending().get()
                                aria-label=move || format!("{} {named}", i18n.t(Text::RemoveTag))
                                on:click=move |_| { save.dispatch(removed.clone()); }>"×"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <Show when=move || adding.get() fallback=move || view! {
                <button type="button" class="link" data-testid="add-tag" on:click=move |_| { text.set(String::new()); adding.set(true); }>
                    {move || i18n.t(Text::AddTag)}
                </button>
            }>
                <form class="inline" on:submit={
                    let with_new = with_new.clone();
                    move |ev| { ev.prevent_default(); save.dispatch(with_new(text.get_untracked())); }
                }>
                    <label class="visually-hidden" for=label_for.clone()>{move || i18n.t(Text::NewTag)}</label>
                    <input id=input_id.clone() autofocus on:input=move |ev| text.set(event_target_value(&ev)) />
                    <button type="submit" disabled=move || save.pending().get()>{move || i18n.t(Text::Add)}</button>
                    <button type="button" class="secondary" on:click=move |_| adding.set(false)>{move || i18n.t(Text::Cancel)}</button>
                </form>
            </Show>
            {move || save.value().get().and_then(Result::err).map(|e| view! { <ApiErrorNotice error=e /> })}
        </div>
    }
}
