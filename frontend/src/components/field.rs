//! A labelled input with the server's message about it right below, for every form of the app.

use leptos::prelude::*;

use crate::i18n::{Text, use_i18n};

/// An input bound one way: it reports what is typed into `value` and starts from its value at
/// mounting. (Writing the value back while typing moves the caret of email inputs.)
#[component]
pub fn Field(
    label: Text,
    name: &'static str,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] hint: Option<Text>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error_id = format!("{name}-error");
    let described = error_id.clone();
    let input_id = format!("field-{name}");
    let shown = fresh_error(error);
    // The error and the hint sit outside the label: the label is the field's name, they are its
    // description (aria-describedby).
    view! {
        <div class="field">
            <label for=input_id.clone()>{move || i18n.t(label)}</label>
            <input id=input_id type=kind name=name autocomplete=autocomplete required=required
                prop:value=value.get_untracked()
                aria-invalid=move || shown.error.with(Option::is_some).to_string()
                aria-describedby=described
                on:input=move |ev| {
                    shown.edited.set(true);
                    value.set(event_target_value(&ev));
                } />
            {hint.map(|hint| view! { <span class="hint">{move || i18n.t(hint)}</span> })}
            <span class="field-error" id=error_id data-testid=format!("error-{name}")>
                {move || shown.error.get()}
            </span>
        </div>
    }
}

/// A labelled multi-line input, bound like [`Field`].
#[component]
pub fn TextArea(
    label: Text,
    name: &'static str,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(default = 8)] rows: u32,
) -> impl IntoView {
    let i18n = use_i18n();
    let error_id = format!("{name}-error");
    let described = error_id.clone();
    let input_id = format!("field-{name}");
    let shown = fresh_error(error);
    view! {
        <div class="field">
            <label for=input_id.clone()>{move || i18n.t(label)}</label>
            <textarea id=input_id name=name rows=rows prop:value=value.get_untracked()
                aria-invalid=move || shown.error.with(Option::is_some).to_string()
                aria-describedby=described
                on:input=move |ev| {
                    shown.edited.set(true);
                    value.set(event_target_value(&ev));
                }></textarea>
            <span class="field-error" id=error_id data-testid=format!("error-{name}")>
                {move || shown.error.get()}
            </span>
        </div>
    }
}

/// The server's message about a field until the person edits it: then it is out of date.
#[derive(Clone, Copy)]
struct FreshError {
    error: Signal<Option<String>>,
    edited: RwSignal<bool>,
}

fn fresh_error(error: Signal<Option<String>>) -> FreshError {
    let edited = RwSignal::new(false);
    // A new answer (a new message, or none) is current again.
    Effect::new(move |_| {
        error.track();
        edited.set(false);
    });
    FreshError {
        error: Signal::derive(move || error.get().filter(|_| !edited.get())),
        edited,
    }
}
