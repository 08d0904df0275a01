//! Who a mailing goes to: all my clients, clients by their tags, or chosen clients; with how many
//! that is now, asked of the server as the choice changes.

use std::collections::{BTreeSet, HashMap};

use leptos::prelude::*;
use mailroom_domain::audience::AudienceKind;
use mailroom_domain::tag::split_list;
use mailroom_domain::wire::{Audience, Mailing};

use super::picker::ClientPicker;
use crate::api;
use crate::i18n::{Text, audience_size_line, use_i18n};
use crate::session::use_session;

/// The picker's state, kept by the form.
#[derive(Debug, Clone, Copy)]
pub struct AudienceChoice {
    pub kind: RwSignal<AudienceKind>,
    pub tags_any: RwSignal<String>,
    pub tags_all: RwSignal<String>,
    pub exclude_tags: RwSignal<String>,
    pub chosen: RwSignal<BTreeSet<i64>>,
    /// Addresses of the clients known so far (the saved ones, those seen in the picker), to name
    /// the chosen ones.
    pub names: RwSignal<HashMap<i64, String>>,
}

fn joined(tags: &[String]) -> String {
    tags.join(", ")
}

fn listed(text: &str) -> Vec<String> {
    split_list(text).into_iter().map(str::to_owned).collect()
}

impl AudienceChoice {
    /// Chosen clients, none yet (a new mailing), or the mailing's audience with its clients.
    pub fn new(mailing: Option<&Mailing>, chosen: Vec<(i64, String)>) -> Self {
        let (kind, any, all, exclude) = match mailing.map(|m| &m.audience) {
            Some(Audience::All) => (AudienceKind::All, "", "", ""),
            Some(Audience::Segment {
                tags_any,
                tags_all,
                exclude_tags,
            }) => {
                return Self {
                    kind: RwSignal::new(AudienceKind::Segment),
                    tags_any: RwSignal::new(joined(tags_any)),
                    tags_all: RwSignal::new(joined(tags_all)),
                    exclude_tags: RwSignal::new(joined(exclude_tags)),
                    chosen: RwSignal::new(BTreeSet::new()),
                    names: RwSignal::new(HashMap::new()),
                };
            }
            _ => (AudienceKind::Clients, "", "", ""),
        };
        Self {
            kind: RwSignal::new(kind),
            tags_any: RwSignal::new(any.to_owned()),
            tags_all: RwSignal::new(all.to_owned()),
            exclude_tags: RwSignal::new(exclude.to_owned()),
            chosen: RwSignal::new(chosen.iter().map(|(id, _)| *id).collect()),
            names: RwSignal::new(chosen.into_iter().collect()),
        }
    }

    /// The audience as chosen, to send (read without tracking).
    pub fn audience(&self) -> Audience {
        match self.kind.get_untracked() {
            AudienceKind::All => Audience::All,
            AudienceKind::Segment => Audience::Segment {
                tags_any: listed(&self.tags_any.get_untracked()),
                tags_all: listed(&self.tags_all.get_untracked()),
                exclude_tags: listed(&self.exclude_tags.get_untracked()),
            },
            AudienceKind::Clients => Audience::Clients {
                client_ids: Some(self.chosen.get_untracked().into_iter().collect()),
            },
        }
    }

    /// Whether a segment names no tag at all.
    pub fn segment_is_empty(&self) -> bool {
        [self.tags_any, self.tags_all, self.exclude_tags]
            .iter()
            .all(|t| split_list(&t.get_untracked()).is_empty())
    }
}

#[component]
pub fn AudiencePicker(
    choice: AudienceChoice,
    #[prop(into)] clients_error: Signal<Option<String>>,
    #[prop(into)] tags_error: Signal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    // The size now: asked again whenever the choice changes.
    let size = LocalResource::new(move || {
        let kind = choice.kind.get();
        choice.tags_any.track();
        choice.tags_all.track();
        choice.exclude_tags.track();
        let audience = choice.audience();
        // Chosen clients are counted by the picker itself: no list of ids goes to the server.
        let empty = match kind {
            AudienceKind::Clients => true,
            AudienceKind::Segment => choice.segment_is_empty(),
            AudienceKind::All => false,
        };
        async move {
            if empty {
                return None;
            }
            api::audiences::preview(session, &audience).await.ok()
        }
    });
    let tags = LocalResource::new(move || async move { api::tags::list(session).await });
    let option = move |kind: AudienceKind, text: Text| {
        let id = format!("audience-{kind}");
        let input_id = id.clone();
        view! {
            <label class="option" for=id>
                <input type="radio" name="audience" id=input_id value=kind.as_str()
                    prop:checked=move || choice.kind.get() == kind
                    on:change=move |_| choice.kind.set(kind) />
                {move || i18n.t(text)}
            </label>
        }
    };
    let tag_field = move |id: &'static str, label: Text, value: RwSignal<String>| {
        view! {
            <div class="field">
                <label for=id>{move || i18n.t(label)}</label>
                <input id=id name=id prop:value=value.get_untracked() aria-describedby="tags-hint audience-error"
                    on:change=move |ev| value.set(event_target_value(&ev)) />
            </div>
        }
    };
    view! {
        <fieldset class="audience" data-testid="audience-picker">
            <legend>{move || i18n.t(Text::WhoReceivesIt)}</legend>
            <div class="options">
                {option(AudienceKind::All, Text::AllMyClients)}
                {option(AudienceKind::Segment, Text::ClientsWithTags)}
                {option(AudienceKind::Clients, Text::ChosenClients)}
            </div>
            // Each read of a resource in its own Suspense: otherwise the form's own Suspense
            // would draw the whole form again when a size arrives, and take the typing with it.
            <p class="muted" data-testid="audience-size" aria-live="polite">
                <Suspense fallback=|| ()>
                    {move || size.get().flatten().map(|p| audience_size_line(i18n.lang.get(), p.client_count, p.unsubscribed))}
                </Suspense>
            </p>
            <Show when=move || choice.kind.get() == AudienceKind::Segment>
                <div class="row">
                    {tag_field("tags_any", Text::AnyOfTheseTags, choice.tags_any)}
                    {tag_field("tags_all", Text::AllOfTheseTags, choice.tags_all)}
                    {tag_field("exclude_tags", Text::NoneOfTheseTags, choice.exclude_tags)}
                </div>
                <p class="hint" id="tags-hint">
                    {move || i18n.t(Text::TagsSeparatedByCommas)}
                    <Suspense fallback=|| ()>
                        {move || tags.get().and_then(Result::ok).filter(|t| !t.items.is_empty()).map(|t| {
                            let names: Vec<String> = t.items.into_iter().map(|t| t.name).collect();
                            format!(" {} {}", i18n.t(Text::YourTags), names.join(", "))
                        })}
                    </Suspense>
                </p>
                <span class="field-error" id="audience-error" data-testid="error-audience">{move || tags_error.get()}</span>
            </Show>
            <Show when=move || choice.kind.get() == AudienceKind::Clients>
                <ClientPicker selected=choice.chosen names=choice.names error=clients_error />
            </Show>
        </fieldset>
    }
}
