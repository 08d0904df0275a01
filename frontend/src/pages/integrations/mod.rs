//! `/integrations`: what connects other programs to Mailroom. Webhook endpoints (told what
//! happens to my mail, signed with a secret shown once) and API tokens (for calling the REST
//! API). Each endpoint's delivery log is `/integrations/webhooks/:id`.

pub mod deliveries;
mod tokens;
mod webhooks;

use leptos::prelude::*;
use mailroom_domain::webhook::EventType;

use crate::components::guard::SignedIn;
use crate::components::title::PageTitle;
use crate::i18n::{Text, use_i18n};
use tokens::Tokens;
use webhooks::Webhooks;

#[component]
pub fn Integrations() -> impl IntoView {
    view! { <SignedIn><Page /></SignedIn> }
}

#[component]
fn Page() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageTitle text=Text::Integrations />
        <h1>{move || i18n.t(Text::Integrations)}</h1>
        <p class="muted">{move || i18n.t(Text::IntegrationsIntro)}</p>
        <Webhooks />
        <Tokens />
    }
}

/// What an event type means, in a few words beside its name.
pub fn event_text(event: EventType) -> Text {
    match event {
        EventType::AttemptSucceeded => Text::EventAttemptSucceeded,
        EventType::AttemptFailed => Text::EventAttemptFailed,
        EventType::RunStarted => Text::EventRunStarted,
        EventType::RunCompleted => Text::EventRunCompleted,
        EventType::ClientUnsubscribed => Text::EventClientUnsubscribed,
        EventType::MailingDisabled => Text::EventMailingDisabled,
        EventType::ClientSuppressed => Text::EventClientSuppressed,
        EventType::BounceReceived => Text::EventBounceReceived,
        EventType::ComplaintReceived => Text::EventComplaintReceived,
    }
}
