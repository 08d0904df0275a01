//! Clients in and out as CSV: an import with its per-row report, and a download of them all.

use leptos::prelude::*;
use mailroom_domain::wire::ImportReport;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::api;
use crate::components::notice::ApiErrorNotice;
use crate::download::download;
use crate::i18n::{Text, import_summary, use_i18n};
use crate::session::use_session;

/// The text of the file chosen in a file input.
async fn chosen_file(ev: &web_sys::Event) -> Option<(String, String)> {
    let input = ev.target()?.dyn_into::<web_sys::HtmlInputElement>().ok()?;
    let file = input.files()?.get(0)?;
    let text = JsFuture::from(file.text()).await.ok()?.as_string()?;
    // The same file can be chosen again after fixing it.
    input.set_value("");
    Some((file.name(), text))
}

#[component]
pub fn ImportExport(#[prop(into)] imported: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let import = Action::new_local(move |csv: &String| {
        let csv = csv.clone();
        async move { api::clients::import(session, csv).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = import.value().get() {
            imported.run(());
        }
    });
    let export = Action::new_local(move |_: &()| async move {
        let owner = session.user_id().unwrap_or_default();
        let csv = api::clients::export(session, owner).await?;
        download("clients.csv", &csv)
    });
    let on_file = move |ev: web_sys::Event| {
        leptos::task::spawn_local(async move {
            if let Some((_, text)) = chosen_file(&ev).await {
                import.dispatch(text);
            }
        });
    };
    view! {
        <section class="card transfer" aria-labelledby="transfer-heading">
            <h2 id="transfer-heading">{move || i18n.t(Text::ImportExport)}</h2>
            <p class="muted">{move || i18n.t(Text::CsvFormat)}</p>
            <div class="actions">
                <label class="file-button">
                    {move || i18n.t(if import.pending().get() { Text::Importing } else { Text::ImportCsv })}
                    <input type="file" accept=".csv,text/csv" data-testid="import-file"
                        on:change=on_file />
                </label>
                <button type="button" class="secondary" data-testid="export"
                    disabled=move || export.pending().get()
                    on:click=move |_| { export.dispatch(()); }>
                    {move || i18n.t(Text::ExportCsv)}
                </button>
            </div>
            {move || import.value().get().map(|result| match result {
                Ok(report) => view! { <Report report=report /> }.into_any(),
                Err(e) => view! { <ApiErrorNotice error=e /> }.into_any(),
            })}
            {move || match export.value().get() {
                Some(Err(e)) => Some(view! { <ApiErrorNotice error=e /> }),
                _ => None,
            }}
        </section>
    }
}

#[component]
fn Report(report: ImportReport) -> impl IntoView {
    let i18n = use_i18n();
    let rejected = report.rejected.len();
    view! {
        <div class="report" role="status" data-testid="import-report">
            <p>
                {move || import_summary(i18n.lang.get(), report.created, report.updated, rejected as u64)}
            </p>
            {(!report.rejected.is_empty()).then(|| view! {
                <table class="rejected">
                    <thead>
                        <tr>
                            <th scope="col">{move || i18n.t(Text::Line)}</th>
                            <th scope="col">{move || i18n.t(Text::Reason)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {report.rejected.into_iter().map(|row| view! {
                            <tr><td>{row.line}</td><td>{row.reason}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </div>
    }
}
