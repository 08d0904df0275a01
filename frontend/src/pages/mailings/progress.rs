//! **Send now** and the live progress of a run: the run is read again every half second until
//! nothing of it is pending.

use leptos::prelude::*;
use leptos::task::spawn_local;
use mailroom_domain::wire::Run;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use crate::api;
use crate::components::notice::ErrorNotice;
use crate::i18n::{Text, progress_line, use_i18n};
use crate::session::use_session;

const POLL_MS: i32 = 500;

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = JsFuture::from(promise).await.unwrap_or(JsValue::UNDEFINED);
}

fn finished(run: &Run) -> bool {
    run.pending == 0 && run.finished_at.is_some()
}

/// The part of the run that is over, in percent.
fn percent(run: &Run) -> u64 {
    let done = run.total.saturating_sub(run.pending);
    (done * 100)
        .checked_div(run.total)
        .unwrap_or(if finished(run) { 100 } else { 0 })
}

/// `latest`: the mailing's latest run, followed when it is still sending. `changed` is called
/// when a run ends.
#[component]
pub fn SendNow(
    mailing_id: i64,
    can_send: bool,
    latest: Option<Run>,
    #[prop(into)] changed: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let run = RwSignal::new(latest);
    let error = RwSignal::new(None::<String>);
    let follow = move || {
        spawn_local(async move {
            loop {
                // The page was left: stop asking.
                let Some(Some(current)) = run.try_get_untracked() else {
                    return;
                };
                if finished(&current) {
                    changed.run(());
                    return;
                }
                sleep(POLL_MS).await;
                match api::mailings::run(session, mailing_id, current.id).await {
                    Ok(next) => {
                        if run.try_set(Some(next)).is_some() {
                            return;
                        }
                    }
                    Err(e) => {
                        let _ = error.try_set(Some(e.to_string()));
                        return;
                    }
                }
            }
        });
    };
    if run.with_untracked(|r| r.as_ref().is_some_and(|r| !finished(r))) {
        follow();
    }
    let send =
        Action::new_local(
            move |_: &()| async move { api::mailings::send(session, mailing_id).await },
        );
    Effect::new(move |_| match send.value().get() {
        Some(Ok(started)) => {
            error.set(None);
            run.set(Some(started));
            follow();
        }
        Some(Err(e)) => error.set(Some(e.to_string())),
        None => {}
    });
    let sending = move || run.with(|r| r.as_ref().is_some_and(|r| !finished(r)));
    view! {
        <section class="card send" aria-labelledby="send-heading">
            <h2 id="send-heading">{move || i18n.t(Text::Sending)}</h2>
            {can_send.then(|| view! {
                <button type="button" data-testid="send-now"
                    disabled=move || send.pending().get() || sending()
                    on:click=move |_| { send.dispatch(()); }>
                    {move || i18n.t(if sending() { Text::SendingNow } else { Text::SendNow })}
                </button>
            })}
            {move || error.get().map(|e| view! { <ErrorNotice message=e /> })}
            {move || run.get().map(|r| {
                let pct = percent(&r);
                view! {
                    <div class="progress" data-testid="progress">
                        <div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax="100"
                            aria-valuenow=pct aria-label=move || i18n.t(Text::Progress)>
                            <div class="fill" style=format!("width: {pct}%")></div>
                        </div>
                        <p data-testid="progress-text" aria-live="polite">
                            {move || progress_line(i18n.lang.get(), pct, r.sent, r.failed, r.total)}
                        </p>
                    </div>
                }
            })}
        </section>
    }
}
