//! "Send me a test": one copy of a saved message to the signed-in person, as its recipients get
//! it, marked as a test. On the message editor and on a mailing's page.

use leptos::prelude::*;

use crate::api;
use crate::components::notice::ApiErrorNotice;
use crate::i18n::{Text, use_i18n};
use crate::session::use_session;

#[component]
pub fn TestSendButton(message_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let send = Action::new_local(move |id: &i64| {
        let id = *id;
        async move { api::messages::test(session, id).await }
    });
    view! {
        <button type="button" class="secondary" data-testid="send-test"
            disabled=move || send.pending().get()
            on:click=move |_| { send.dispatch(message_id); }>
            {move || i18n.t(if send.pending().get() { Text::SendingTest } else { Text::SendMeATest })}
        </button>
        {move || send.value().get().map(|answer| match answer {
            Ok(sent) => view! {
                <p class="notice ok" role="status" data-testid="test-sent">
                    {move || i18n.t(Text::TestSentTo)}" "{sent.to.clone()}
                </p>
            }.into_any(),
            Err(e) => view! { <ApiErrorNotice error=e /> }.into_any(),
        })}
    }
}
