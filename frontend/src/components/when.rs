//! A moment as a fact to read ("Jan 31, 2027" and "9:00 AM"): the date and the time each stay
//! whole, and a narrow column puts the time under the date rather than break either.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::i18n::use_i18n;
use crate::time;

#[component]
pub fn When(at: DateTime<Utc>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <time class="when-split" datetime=at.to_rfc3339()>
            <span>{move || time::date(at, i18n.lang.get())}</span>
            " "
            <span>{move || time::clock(at, i18n.lang.get())}</span>
        </time>
    }
}
