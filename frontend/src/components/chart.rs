//! Successful and failed attempts per day as stacked bars, drawn as SVG by the app itself.

use leptos::prelude::*;
use mailroom_domain::wire::DailyAttempts;

use crate::i18n::{Text, chart_summary, use_i18n};
use crate::time;

// Wide enough that the drawing is shown near its own size on a desktop: text stays small.
const WIDTH: f64 = 900.0;
const HEIGHT: f64 = 200.0;
const LEFT: f64 = 36.0;
const BOTTOM: f64 = 22.0;

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

#[component]
pub fn DailyChart(days: Vec<DailyAttempts>) -> impl IntoView {
    let i18n = use_i18n();
    let top = nice_ceiling(
        days.iter()
            .map(|d| d.succeeded + d.failed)
            .max()
            .unwrap_or(0)
            .max(1),
    );
    let plot_height = HEIGHT - BOTTOM;
    let slot = (WIDTH - LEFT) / days.len().max(1) as f64;
    let bar = (slot * 0.7).max(1.0);
    let scale = move |n: u64| n as f64 / top as f64 * plot_height;
    let total: (u64, u64) = days
        .iter()
        .fold((0, 0), |(s, f), d| (s + d.succeeded, f + d.failed));
    // The first, middle and last day, anchored so that none runs off the drawing.
    let label_days: Vec<(usize, chrono::NaiveDate, &str)> = match days.len() {
        0 => Vec::new(),
        n => [(0, "start"), (n / 2, "middle"), (n - 1, "end")]
            .into_iter()
            .map(|(i, anchor)| (i, days[i].day, anchor))
            .collect(),
    };
    let range = days.first().zip(days.last()).map(|(a, b)| (a.day, b.day));
    let bars = days
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            let x = LEFT + i as f64 * slot + (slot - bar) / 2.0;
            let ok = scale(d.succeeded);
            let bad = scale(d.failed);
            view! {
                <g>
                    <title>
                        {move || format!(
                            "{}: {} {}, {} {}",
                            time::day(d.day, i18n.lang.get()),
                            d.succeeded,
                            i18n.t(Text::Succeeded),
                            d.failed,
                            i18n.t(Text::Failed)
                        )}
                    </title>
                    <rect class="bar-ok" x=x y=plot_height - ok width=bar height=ok />
                    <rect class="bar-bad" x=x y=plot_height - ok - bad width=bar height=bad />
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart" data-testid="daily-chart">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img"
                aria-label=move || {
                    range.map(|(from, to)| chart_summary(
                        i18n.lang.get(),
                        &time::day(from, i18n.lang.get()),
                        &time::day(to, i18n.lang.get()),
                        total.0,
                        total.1,
                    )).unwrap_or_default()
                }>
                <line class="axis" x1=LEFT y1=plot_height x2=WIDTH y2=plot_height />
                <line class="grid" x1=LEFT y1=0 x2=WIDTH y2=0 />
                <line class="grid" x1=LEFT y1=plot_height / 2.0 x2=WIDTH y2=plot_height / 2.0 />
                <text class="tick" x=LEFT - 4.0 y=10 text-anchor="end">{top}</text>
                <text class="tick" x=LEFT - 4.0 y=plot_height text-anchor="end">"0"</text>
                {bars}
                {label_days
                    .into_iter()
                    .map(|(i, day, anchor)| {
                        let x = match anchor {
                            "start" => LEFT + i as f64 * slot,
                            "end" => LEFT + (i + 1) as f64 * slot,
                            _ => LEFT + i as f64 * slot + slot / 2.0,
                        };
                        view! {
                            <text class="tick" x=x y=HEIGHT - 6.0 text-anchor=anchor>
                                {move || time::day(day, i18n.lang.get())}
                            </text>
                        }
                    })
                    .collect_view()}
            </svg>
            <figcaption class="legend">
                <span class="key ok">{move || i18n.t(Text::Succeeded)}</span>
                <span class="key bad">{move || i18n.t(Text::Failed)}</span>
            </figcaption>
        </figure>
    }
}
