//! A mailing's status as a coloured label, in the chosen language.

use leptos::prelude::*;
use mailroom_domain::MailingStatus;

use crate::i18n::{Text, use_i18n};

pub fn status_text(status: MailingStatus) -> Text {
    match status {
        MailingStatus::Created => Text::StatusCreated,
        MailingStatus::Running => Text::StatusRunning,
        MailingStatus::Completed => Text::StatusCompleted,
    }
}

#[component]
pub fn StatusBadge(status: MailingStatus, #[prop(optional)] disabled: bool) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span class="badges">
            <span class=format!("badge {}", status.as_str()) data-testid="mailing-status">
                {move || i18n.t(status_text(status))}
            </span>
            {disabled.then(|| view! {
                <span class="badge disabled" data-testid="mailing-disabled">
                    {move || i18n.t(Text::Disabled)}
                </span>
            })}
        </span>
    }
}
