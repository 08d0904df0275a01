//! `/tags`: my tags with how many clients carry each; rename one (onto another merges them) or
//! delete it. A tag's name leads to its clients.

use leptos::prelude::*;
use leptos_router::components::A;
use mailroom_domain::tag::key_of;
use mailroom_domain::wire::Tag;

use crate::api::{self, ApiError};
use crate::components::dialog::ConfirmDialog;
use crate::components::guard::SignedIn;
use crate::components::notice::{ApiErrorNotice, DoneNotice, Loading, failed};
use crate::components::title::PageTitle;
use crate::focus::focus;
use crate::i18n::{Text, delete_tag_question, merge_tags_hint, number, use_i18n};
use crate::session::use_session;

#[component]
pub fn Tags() -> impl IntoView {
    view! { <SignedIn><TagsPage /></SignedIn> }
}

/// The address of the clients carrying `tag`.
fn clients_with(tag: &str) -> String {
    let encoded = js_sys::encode_uri_component(tag);
    format!("/clients?tag={encoded}")
}

#[component]
fn TagsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let version = RwSignal::new(0_u32);
    let tags = LocalResource::new(move || {
        version.track();
        async move { api::tags::list(session).await }
    });
    let notice = RwSignal::new(None::<Result<Text, ApiError>>);
    let renaming = RwSignal::new(None::<String>);
    let new_name = RwSignal::new(String::new());
    let rename = Action::new_local(move |(from, to): &(String, String)| {
        let (from, to) = (from.clone(), to.clone());
        async move { api::tags::rename(session, &from, &to).await }
    });
    let remove = Action::new_local(move |tag: &Tag| {
        let name = tag.name.clone();
        async move { api::tags::delete(session, &name).await }
    });
    Effect::new(move |_| {
        if let Some(result) = rename.value().get() {
            if result.is_ok() {
                renaming.set(None);
            }
            notice.set(Some(result.map(|_| Text::TagRenamed)));
            version.update(|v| *v += 1);
        }
    });
    Effect::new(move |_| {
        if let Some(result) = remove.value().get() {
            notice.set(Some(result.map(|()| Text::TagDeleted)));
            version.update(|v| *v += 1);
        }
    });
    let to_delete = RwSignal::new(None::<Tag>);
    view! {
        <PageTitle text=Text::Tags />
        <h1>{move || i18n.t(Text::Tags)}</h1>
        <p class="muted">{move || i18n.t(Text::TagsIntro)}</p>
        {move || notice.get().map(|n| match n {
            Ok(text) => view! { <DoneNotice message=i18n.t(text) /> }.into_any(),
            Err(e) => view! { <ApiErrorNotice error=e /> }.into_any(),
        })}
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match tags.await {
                    Err(e) => failed(e),
                    Ok(list) if list.items.is_empty() => view! {
                        <p class="empty">{move || i18n.t(Text::NoTagsYet)}</p>
                    }.into_any(),
                    Ok(list) => {
                    let names: Vec<String> = list.items.iter().map(|t| t.name.clone()).collect();
                    view! {
                        <div class="table-wrap">
                            <table data-testid="tags">
                                <thead>
                                    <tr>
                                        <th scope="col">{move || i18n.t(Text::Tag)}</th>
                                        <th scope="col" class="number">{move || i18n.t(Text::Clients)}</th>
                                        <th scope="col"><span class="visually-hidden">{move || i18n.t(Text::Actions)}</span></th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list.items.into_iter().map(|tag| {
                                        let name = tag.name.clone();
                                        let editing = {
                                            let name = name.clone();
                                            move || renaming.with(|r| r.as_deref() == Some(name.as_str()))
                                        };
                                        let for_rename = name.clone();
                                        let for_save = name.clone();
                                        let for_delete = tag.clone();
                                        let label = name.clone();
                                        let delete_label = name.clone();
                                        // Renaming onto another of my tags merges the two: said
                                        // before it is saved, and the button says so too.
                                        let merges_into = {
                                            let (own, names) = (name.clone(), names.clone());
                                            move || {
                                                let to = key_of(new_name.get().trim());
                                                names
                                                    .iter()
                                                    .find(|n| key_of(n) == to && key_of(n) != key_of(&own))
                                                    .cloned()
                                            }
                                        };
                                        let merging = {
                                            let merges_into = merges_into.clone();
                                            move || merges_into().is_some()
                                        };
                                        view! {
                                            <tr>
                                                <td data-label=move || i18n.t(Text::Tag)>
                                                    <Show when=editing.clone() fallback={
                                                        let name = name.clone();
                                                        move || {
                                                            let (href, text) = (clients_with(&name), name.clone());
                                                            view! { <A href=href>{text}</A> }
                                                        }
                                                    }>
                                                        <form class="inline" on:submit={
                                                            let from = for_save.clone();
                                                            move |ev| {
                                                                ev.prevent_default();
                                                                rename.dispatch((from.clone(), new_name.get_untracked()));
                                                            }
                                                        }>
                                                            <label class="visually-hidden" for="tag-new-name">{move || i18n.t(Text::NewTagName)}</label>
                                                            <input id="tag-new-name" prop:value=new_name.get_untracked()
                                                                aria-describedby="tag-merge-hint"
                                                                on:input=move |ev| new_name.set(event_target_value(&ev))
                                                                on:keydown=move |ev| {
                                                                    if ev.key() == "Escape" {
                                                                        renaming.set(None);
                                                                    }
                                                                } />
                                                            <button type="submit" disabled=move || rename.pending().get()>
                                                                {let merging = merging.clone(); move || i18n.t(if merging() { Text::Merge } else { Text::Save })}
                                                            </button>
                                                            <button type="button" class="secondary" on:click=move |_| renaming.set(None)>{move || i18n.t(Text::Cancel)}</button>
                                                            <p id="tag-merge-hint" class="hint" aria-live="polite">
                                                                {let merges_into = merges_into.clone(); move || merges_into().map(|into| merge_tags_hint(i18n.lang.get(), &into))}
                                                            </p>
                                                        </form>
                                                    </Show>
                                                </td>
                                                <td class="number" data-label=move || i18n.t(Text::Clients)>
                                                    {move || number(i18n.lang.get(), tag.clients)}
                                                </td>
                                                <td class="row-actions">
                                                    <button type="button" class="link"
                                                        aria-label=move || format!("{} {label}", i18n.t(Text::Rename))
                                                        on:click=move |_| {
                                                            new_name.set(for_rename.clone());
                                                            renaming.set(Some(for_rename.clone()));
                                                            // The box replaces the name: the keyboard goes to it.
                                                            request_animation_frame(|| focus("#tag-new-name"));
                                                        }>
                                                        {move || i18n.t(Text::Rename)}
                                                    </button>
                                                    <button type="button" class="link danger"
                                                        aria-label=move || format!("{} {delete_label}", i18n.t(Text::Delete))
                                                        on:click=move |_| to_delete.set(Some(for_delete.clone()))>
                                                        {move || i18n.t(Text::Delete)}
                                                    </button>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any()
                    }
                }
            })}
        </Suspense>
        <ConfirmDialog ask=to_delete confirm=Text::Delete danger=true removes_opener=true
            title=move |tag: &Tag| delete_tag_question(i18n.lang.get(), &tag.name, tag.clients)
            message=move |_: &Tag| i18n.t(Text::DeleteTagConsequence).to_owned()
            on_confirm=move |tag: Tag| { remove.dispatch(tag); } />
    }
}
