//! Dates as the person reads and types them: in the browser's time zone and language. The server
//! speaks UTC; only this module converts.

use chrono::{DateTime, NaiveDate, Utc};
use wasm_bindgen::JsValue;

use crate::i18n::Lang;

fn js_date(at: DateTime<Utc>) -> js_sys::Date {
    js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64))
}

fn options(pairs: &[(&str, &str)]) -> JsValue {
    let object = js_sys::Object::new();
    for (key, value) in pairs {
        let _ = js_sys::Reflect::set(&object, &(*key).into(), &(*value).into());
    }
    object.into()
}

/// "27 Nov 2026, 09:30" (or the browser's way of writing it in `lang`).
pub fn local(at: DateTime<Utc>, lang: Lang) -> String {
    js_date(at)
        .to_locale_string(
            lang.code(),
            &options(&[("dateStyle", "medium"), ("timeStyle", "short")]),
        )
        .into()
}

/// The Intl `fields`, with the year added when `at` is not in this one.
fn with_year_unless_this_one<'a>(
    at: DateTime<Utc>,
    mut fields: Vec<(&'a str, &'a str)>,
) -> Vec<(&'a str, &'a str)> {
    if js_sys::Date::new_0().get_full_year() != js_date(at).get_full_year() {
        fields.push(("year", "numeric"));
    }
    fields
}

/// "1 Dec, 09:30" for a table: the year only when it is not this one.
pub fn short(at: DateTime<Utc>, lang: Lang) -> String {
    let fields = with_year_unless_this_one(
        at,
        vec![
            ("day", "numeric"),
            ("month", "short"),
            ("hour", "numeric"),
            ("minute", "2-digit"),
        ],
    );
    js_date(at)
        .to_locale_string(lang.code(), &options(&fields))
        .into()
}

/// "Jan 31, 2027" (or the browser's way in `lang`): the date alone, the year only when it is not
/// this one.
pub fn date(at: DateTime<Utc>, lang: Lang) -> String {
    let fields = with_year_unless_this_one(at, vec![("day", "numeric"), ("month", "short")]);
    js_date(at)
        .to_locale_date_string(lang.code(), &options(&fields))
        .into()
}

/// "9:00 AM": the time of day alone.
pub fn clock(at: DateTime<Utc>, lang: Lang) -> String {
    js_date(at)
        .to_locale_time_string_with_options(
            lang.code(),
            &options(&[("hour", "numeric"), ("minute", "2-digit")]),
        )
        .into()
}

/// A calendar day of the statistics (UTC days), short: "27 Nov".
pub fn day(day: NaiveDate, lang: Lang) -> String {
    let Some(midnight) = day.and_hms_opt(0, 0, 0) else {
        return day.to_string();
    };
    js_date(midnight.and_utc())
        .to_locale_date_string(
            lang.code(),
            &options(&[("day", "numeric"), ("month", "short"), ("timeZone", "UTC")]),
        )
        .into()
}

/// The value of a `datetime-local` input showing `at` in the browser's time zone.
pub fn to_input(at: DateTime<Utc>) -> String {
    let d = js_date(at);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

/// What a `datetime-local` input holds (local time), as an instant; `None` when empty or invalid.
pub fn from_input(value: &str) -> Option<DateTime<Utc>> {
    // A date-time without an offset is local time for JavaScript's parser.
    let millis = js_sys::Date::new(&JsValue::from_str(value.trim())).get_time();
    if value.trim().is_empty() || millis.is_nan() {
        return None;
    }
    DateTime::from_timestamp_millis(millis as i64)
}

/// Now, from the browser's clock.
pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

/// Waits `ms` milliseconds without blocking the page.
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window()
            .map(|w| w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms));
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
