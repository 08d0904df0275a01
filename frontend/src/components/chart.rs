//! Successful and failed attempts per day as stacked bars, with the day's bounces and complaints
//! as a thin bar beside them (a refusal during sending is both a failure and a bounce, so they
//! are not stacked together), drawn by the app in HTML so that its labels keep their size on a
//! phone. Each day is a button: hovering, focusing or tapping it
//! shows its figures; the arrow keys move between days (one tab stop for the whole chart).

use leptos::prelude::*;
use mailroom_domain::wire::DailyAttempts;

use crate::i18n::{Figures, Lang, Text, chart_summary, day_figures, use_i18n};
use crate::time;

/// A round top for the axis: 1, 2, 5, 10, 20, 50…
fn nice_ceiling(value: u64) -> u64 {
    let mut step = 1;
    loop {
        for factor in [1, 2, 5] {
            if step * factor >= value {
                return step * factor;
            }
        }
        step *= 10;
    }
}

fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

fn describe(day: &DailyAttempts, lang: Lang) -> String {
    day_figures(lang, &time::day(day.day, lang), day)
}

#[component]
pub fn DailyChart(days: Vec<DailyAttempts>) -> impl IntoView {
    let i18n = use_i18n();
    let top = nice_ceiling(
        days.iter()
            .map(|d| (d.succeeded + d.failed).max(d.bounced + d.complained))
            .max()
            .unwrap_or(0)
            .max(1),
    );
    let count = days.len();
    let total: Figures = days.iter().fold([0; 4], |[s, f, b, c], d| {
        [
            s + d.succeeded,
            f + d.failed,
            b + d.bounced,
            c + d.complained,
        ]
    });
    let any_reports = total[2] + total[3] > 0;
    let range = days.first().zip(days.last()).map(|(a, b)| (a.day, b.day));
    let middle = days.get(count / 2).map(|d| d.day);
    let days = StoredValue::new(days);
    // The day whose figures show: hovered, focused or tapped.
    let shown = RwSignal::new(None::<usize>);
    // The day that takes the focus when the chart is tabbed into: the latest.
    let focusable = RwSignal::new(count.saturating_sub(1));
    let buttons = NodeRef::<leptos::html::Div>::new();
    let focus_day = move |i: usize| {
        focusable.set(i);
        shown.set(Some(i));
        if let Some(plot) = buttons.get_untracked()
            && let Some(button) = plot.children().item(i as u32)
        {
            use wasm_bindgen::JsCast;
            if let Ok(button) = button.dyn_into::<web_sys::HtmlElement>() {
                let _ = button.focus();
            }
        }
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let current = focusable.get_untracked();
        let next = match ev.key().as_str() {
            "ArrowRight" | "ArrowDown" => (current + 1).min(count.saturating_sub(1)),
            "ArrowLeft" | "ArrowUp" => current.saturating_sub(1),
            "Home" => 0,
            "End" => count.saturating_sub(1),
            _ => return,
        };
        ev.prevent_default();
        focus_day(next);
    };
    let summary = move || {
        range
            .map(|(from, to)| {
                let lang = i18n.lang.get();
                chart_summary(lang, &time::day(from, lang), &time::day(to, lang), total)
            })
            .unwrap_or_default()
    };
    let bars = move || {
        days.with_value(|days| {
            days.iter()
                .enumerate()
                .map(|(i, d)| {
                    let d = *d;
                    let label = move || describe(&d, i18n.lang.get());
                    let all = d.succeeded + d.failed;
                    let reported = d.bounced + d.complained;
                    view! {
                        <button type="button" class="day" aria-label=label
                            tabindex=move || if focusable.get() == i { "0" } else { "-1" }
                            on:mouseenter=move |_| shown.set(Some(i))
                            on:focus=move |_| { focusable.set(i); shown.set(Some(i)); }
                            on:click=move |_| shown.set(Some(i))>
                            <span class="stack" style:height=format!("{:.2}%", percent(all, top))>
                                <span class="bad" style:height=format!("{:.2}%", percent(d.failed, all))></span>
                                <span class="ok"></span>
                            </span>
                            {any_reports.then(|| view! {
                                <span class="stack reports" style:height=format!("{:.2}%", percent(reported, top))>
                                    <span class="complained" style:height=format!("{:.2}%", percent(d.complained, reported))></span>
                                    <span class="bounced"></span>
                                </span>
                            })}
                        </button>
                    }
                })
                .collect_view()
        })
    };
    let tip = move || {
        shown.get().and_then(|i| {
            days.with_value(|days| days.get(i).copied()).map(|d| {
                // Anchored on the bar's side away from the nearer edge, so it stays inside.
                let centre = (i as f64 + 0.5) * 100.0 / count.max(1) as f64;
                // Set through the element's style object, which the page's policy allows (an
                // inline style attribute it would not).
                let (left, right) = if centre <= 50.0 {
                    (Some(format!("max(0px, calc({centre:.2}% - 1rem))")), None)
                } else {
                    (None, Some(format!("max(0px, calc({:.2}% - 1rem))", 100.0 - centre)))
                };
                view! {
                    <div class="chart-tip" data-testid="chart-tip" aria-hidden="true" style:left=left style:right=right>
                        {describe(&d, i18n.lang.get())}
                    </div>
                }
            })
        })
    };
    view! {
        <figure class="chart" data-testid="daily-chart" on:mouseleave=move |_| shown.set(None)>
            <div class="chart-area">
                <div class="chart-y" aria-hidden="true">
                    <span>{top}</span>
                    <span>"0"</span>
                </div>
                <div class="chart-body">
                    <div class="chart-plot" role="group" aria-label=summary node_ref=buttons
                        on:keydown=on_keydown on:focusout=move |_| shown.set(None)>
                        {bars}
                    </div>
                    {tip}
                </div>
                <span></span>
                <div class="chart-x" aria-hidden="true">
                    {move || {
                        let lang = i18n.lang.get();
                        let label = |day: Option<chrono::NaiveDate>| day.map(|d| time::day(d, lang)).unwrap_or_default();
                        view! {
                            <span>{label(range.map(|r| r.0))}</span>
                            <span>{label(middle)}</span>
                            <span>{label(range.map(|r| r.1))}</span>
                        }
                    }}
                </div>
            </div>
            <figcaption class="legend">
                <span class="key ok">{move || i18n.t(Text::Succeeded)}</span>
                <span class="key bad">{move || i18n.t(Text::Failed)}</span>
                {any_reports.then(|| view! {
                    <span class="key bounced">{move || i18n.t(Text::Bounced)}</span>
                    <span class="key complained">{move || i18n.t(Text::Complained)}</span>
                })}
            </figcaption>
        </figure>
    }
}
