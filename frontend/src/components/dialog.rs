//! The app's question before an action with consequences: a native modal `<dialog>`, so the
//! browser keeps the focus inside it, closes it on Escape and gives the focus back afterwards.
//! It names the action and says what follows ("Its scheduled send on 1 Dec is then skipped").

use std::sync::atomic::{AtomicU32, Ordering};

use leptos::html;
use leptos::prelude::*;

use crate::focus::{PAGE, focus};
use crate::i18n::{Text, use_i18n};

/// Each dialog's own ids for `aria-labelledby` and `aria-describedby`.
fn next_id() -> u32 {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Open while `ask` holds what the question is about (a client to delete, or `()`); confirming
/// hands it to `on_confirm`, and Cancel or Escape only closes.
#[component]
pub fn ConfirmDialog<T, H, M>(
    ask: RwSignal<Option<T>>,
    /// The question, naming the action: "Delete bob@example.net?".
    title: H,
    /// What follows from it.
    message: M,
    /// The confirming button's label: the action itself ("Delete"), never "OK".
    confirm: Text,
    /// A red confirming button, for what cannot be undone.
    #[prop(optional)]
    danger: bool,
    /// The action takes away or disables the button that asked (a deleted row, a run that
    /// starts): the focus then goes to the page, not to nowhere.
    #[prop(optional)]
    removes_opener: bool,
    #[prop(into)] on_confirm: Callback<T>,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    H: Fn(&T) -> String + Send + Sync + 'static,
    M: Fn(&T) -> String + Send + Sync + 'static,
{
    let i18n = use_i18n();
    let node = NodeRef::<html::Dialog>::new();
    let id = next_id();
    let (title_id, message_id) = (format!("dialog-{id}-title"), format!("dialog-{id}-message"));
    let (labelled_by, described_by) = (title_id.clone(), message_id.clone());
    Effect::new(move |_| {
        let Some(dialog) = node.get() else {
            return;
        };
        let wanted = ask.with(Option::is_some);
        if wanted && !dialog.open() {
            let _ = dialog.show_modal();
        } else if !wanted && dialog.open() {
            dialog.close();
        }
    });
    let just_confirmed = StoredValue::new(false);
    let confirmed = move |_| {
        if let Some(subject) = ask.get_untracked() {
            just_confirmed.set_value(true);
            ask.set(None);
            on_confirm.run(subject);
        }
    };
    // The browser has given the focus back to the button that asked by the time this runs.
    let closed = move |_| {
        ask.set(None);
        if std::mem::take(&mut *just_confirmed.write_value()) && removes_opener {
            focus(PAGE);
        }
    };
    view! {
        <dialog node_ref=node class="dialog" data-testid="dialog"
            aria-labelledby=labelled_by aria-describedby=described_by
            on:close=closed>
            <h2 id=title_id data-testid="dialog-title">
                {move || ask.with(|a| a.as_ref().map(&title))}
            </h2>
            <p id=message_id data-testid="dialog-message">
                {move || ask.with(|a| a.as_ref().map(&message))}
            </p>
            <div class="actions">
                <button type="button" class="secondary" data-testid="dialog-cancel"
                    on:click=move |_| ask.set(None)>
                    {move || i18n.t(Text::Cancel)}
                </button>
                <button type="button" class:danger=danger data-testid="dialog-confirm" on:click=confirmed>
                    {move || i18n.t(confirm)}
                </button>
            </div>
        </dialog>
    }
}
