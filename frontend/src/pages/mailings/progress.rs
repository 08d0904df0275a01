//! **Send now** and the live progress of a run: the run is read again every half second until
//! nothing of it is pending.

use leptos::prelude::*;
use leptos::task::spawn_local;
use mailroom_domain::wire::Run;

use crate::api;
use crate::components::dialog::ConfirmDialog;
use crate::components::notice::ApiErrorNotice;
use crate::i18n::{Text, progress_line, use_i18n};
use crate::session::use_session;
use crate::time;

const POLL_MS: i32 = 500;
/// After a failed read, wait longer each time, up to this.
const MAX_POLL_MS: i32 = 8_000;

fn finished(run: &Run) -> bool {
    run.is_finished()
}

/// `latest`: the mailing's latest run, followed when it is still sending. `changed` is called
/// when a run ends. Hidden when there is nothing to send or show (a manager's view of a mailing
/// never sent).
#[component]
pub fn SendNow(
    mailing_id: i64,
    can_send: bool,
    /// The audience holds no client now: there is nothing to send (a run already going is still
    /// followed and controlled).
    reaches_nobody: bool,
    /// What the confirmation asks (to how many) and says follows (what becomes of the schedule).
    question: Signal<String>,
    consequence: Signal<String>,
    latest: Option<Run>,
    #[prop(into)] changed: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let run = RwSignal::new(latest);
    let error = RwSignal::new(None::<api::ApiError>);
    let follow = move || {
        spawn_local(async move {
            let mut wait = POLL_MS;
            loop {
                // The page was left: stop asking.
                let Some(Some(current)) = run.try_get_untracked() else {
                    return;
                };
                if finished(&current) {
                    changed.run(());
                    return;
                }
                time::sleep(wait).await;
                match api::mailings::run(session, mailing_id, current.id).await {
                    Ok(next) => {
                        wait = POLL_MS;
                        let _ = error.try_set(None);
                        if run.try_set(Some(next)).is_some() {
                            return;
                        }
                    }
                    // The run is gone (its mailing was deleted): nothing more to follow.
                    Err(e) if e.is_not_found() => {
                        let _ = run.try_set(None);
                        return;
                    }
                    // Offline for a moment: say so, and keep following, less often.
                    Err(e) => {
                        if error.try_set(Some(e)).is_some() {
                            return;
                        }
                        wait = (wait * 2).min(MAX_POLL_MS);
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
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    // Pause, resume, cancel: the run as the server has it after.
    let control = Action::new_local(move |(run_id, action): &(i64, &'static str)| {
        let (run_id, action) = (*run_id, *action);
        async move { api::mailings::control(session, mailing_id, run_id, action).await }
    });
    Effect::new(move |_| match control.value().get() {
        Some(Ok(next)) => {
            error.set(None);
            run.set(Some(next));
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let cancelling = RwSignal::new(None::<i64>);
    // Memos: the controls stay the same elements (and keep the focus) across polls.
    let paused =
        Memo::new(move |_| run.with(|r| r.as_ref().is_some_and(|r| r.paused_at.is_some())));
    let run_id = Memo::new(move |_| run.with(|r| r.as_ref().map(|r| r.id)));
    let running = Memo::new(move |_| run.with(|r| r.as_ref().is_some_and(|r| !finished(r))));
    let asking = RwSignal::new(None::<()>);
    let sending = move || running.get();
    // Screen readers hear the start and the end, not every half-second step.
    let announcement = move || {
        run.with(|r| match r {
            Some(r) if finished(r) => progress_line(i18n.lang.get(), 100, r),
            Some(r) if r.paused_at.is_some() => i18n.t(Text::Paused).to_owned(),
            Some(_) => i18n.t(Text::SendingNow).to_owned(),
            None => String::new(),
        })
    };
    view! {
        <Show when=move || can_send || run.with(Option::is_some)>
            <section class="card send" aria-labelledby="send-heading">
                <h2 id="send-heading">{move || i18n.t(Text::Sending)}</h2>
                {(can_send && reaches_nobody).then(|| view! {
                    <p class="muted" data-testid="empty-audience">{move || i18n.t(Text::AudienceHoldsNoOne)}</p>
                })}
                {(can_send && !reaches_nobody).then(|| view! {
                    <button type="button" data-testid="send-now"
                        disabled=move || send.pending().get() || sending()
                        on:click=move |_| asking.set(Some(()))>
                        {move || i18n.t(match (sending(), paused.get()) {
                            (true, true) => Text::Paused,
                            (true, false) => Text::SendingNow,
                            (false, _) => Text::SendNow,
                        })}
                    </button>
                })}
                <Show when=move || can_send && sending()>
                    <div class="actions" data-testid="run-controls">
                        // One button whose word changes: the focus stays on it.
                        <button type="button" class="secondary" data-testid="pause-run"
                            disabled=move || control.pending().get()
                            on:click=move |_| {
                                if let Some(id) = run_id.get_untracked() {
                                    let action = if paused.get_untracked() { "resume" } else { "pause" };
                                    control.dispatch((id, action));
                                }
                            }>
                            {move || i18n.t(if paused.get() { Text::Resume } else { Text::Pause })}
                        </button>
                        <button type="button" class="secondary danger" data-testid="cancel-run"
                            disabled=move || control.pending().get()
                            on:click=move |_| cancelling.set(run_id.get_untracked())>
                            {move || i18n.t(Text::CancelRun)}
                        </button>
                    </div>
                </Show>
                {move || error.get().map(|e| view! { <ApiErrorNotice error=e /> })}
                {move || run.get().map(|r| {
                    let pct = r.percent_done();
                    view! {
                        <div class="progress" data-testid="progress">
                            <div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax="100"
                                aria-valuenow=pct aria-label=move || i18n.t(Text::Progress)>
                                <div class="fill" style:width=format!("{pct}%")></div>
                            </div>
                            <p data-testid="progress-text">
                                {r.paused_at.is_some().then(|| view! { <span class="badge warn">{move || i18n.t(Text::Paused)}</span>" " })}
                                {move || progress_line(i18n.lang.get(), pct, &r)}
                            </p>
                        </div>
                    }
                })}
                <p class="visually-hidden" aria-live="polite">{announcement}</p>
                <ConfirmDialog ask=cancelling confirm=Text::CancelRun danger=true removes_opener=true
                    title=move |_: &i64| i18n.t(Text::CancelRunQuestion).to_owned()
                    message=move |_: &i64| i18n.t(Text::CancelRunConsequence).to_owned()
                    on_confirm=move |run_id: i64| { control.dispatch((run_id, "cancel")); } />
                <ConfirmDialog ask=asking confirm=Text::SendNow removes_opener=true
                    title=move |_: &()| question.get()
                    message=move |_: &()| consequence.get()
                    on_confirm=move |()| { send.dispatch(()); } />
            </section>
        </Show>
    }
}
