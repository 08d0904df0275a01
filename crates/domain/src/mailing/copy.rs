//! A new mailing made from another: what it is named and when it sends.

use chrono::{Duration, NaiveDateTime};

use super::MAX_NAME_CHARS;

const COPY: &str = " (copy)";

/// A copy's name: the original's with " (copy)", cut so the whole fits a name.
pub fn copy_name(name: &str) -> String {
    let room = MAX_NAME_CHARS - COPY.chars().count();
    let kept: String = name.chars().take(room).collect();
    format!("{kept}{COPY}")
}

/// How long before a copy whose original's start has passed first sends: time to look at it.
pub const COPY_LEAD: Duration = Duration::hours(1);

/// A copy's start and end: the original's while its start is ahead; otherwise from
/// [`COPY_LEAD`] after `now`, as long as the original.
pub fn copied_times(
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    now: NaiveDateTime,
) -> (NaiveDateTime, NaiveDateTime) {
    if starts_at > now {
        return (starts_at, ends_at);
    }
    let start = now + COPY_LEAD;
    (start, start + (ends_at - starts_at))
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn at(hour: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, 1)
            .and_then(|d| d.and_hms_opt(hour, 0, 0))
            .expect("valid test time")
    }

    #[test]
    fn a_copy_is_named_after_its_original_within_a_names_length() {
        assert_eq!(copy_name("Winter sale"), "Winter sale (copy)");
        let long = copy_name(&"n".repeat(200));
        assert_eq!(long.chars().count(), 200);
        assert!(long.ends_with(" (copy)"));
    }

    #[test]
    fn a_copy_keeps_future_times_and_moves_past_ones_ahead_keeping_the_length() {
        assert_eq!(copied_times(at(12), at(14), at(10)), (at(12), at(14)));
        assert_eq!(copied_times(at(8), at(12), at(10)), (at(11), at(15)));
    }
}
