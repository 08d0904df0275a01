//! When a mailing sends by itself: once at its start time, or again every day, week or month until
//! its end time.

use chrono::{Days, Months, NaiveDateTime};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)
)]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum Schedule {
    /// One send, at the start time.
    #[default]
    Once,
    /// At the start time, then every day at the same time of day.
    Daily,
    /// At the start time, then every seven days.
    Weekly,
    /// At the start time, then on the same day of each month (the month's last day when it is
    /// shorter, without drifting: 31 January, 28 February, 31 March).
    Monthly,
}

crate::text_enum!(Schedule {
    Once => "once",
    Daily => "daily",
    Weekly => "weekly",
    Monthly => "monthly",
});

impl Schedule {
    /// The `n`th send time (0 is `starts_at`), counted from the start so that short months never
    /// shift later sends; `None` when a one-time schedule has no such send or the date overflows.
    pub fn occurrence(self, starts_at: NaiveDateTime, n: u32) -> Option<NaiveDateTime> {
        if n == 0 {
            return Some(starts_at);
        }
        match self {
            Schedule::Once => None,
            Schedule::Daily => starts_at.checked_add_days(Days::new(u64::from(n))),
            Schedule::Weekly => starts_at.checked_add_days(Days::new(7 * u64::from(n))),
            Schedule::Monthly => starts_at.checked_add_months(Months::new(n)),
        }
    }

    /// The pending slot once the mailing was sent by hand: a one-time mailing was sent, so its
    /// slot is used up; a repeating one keeps its next send.
    pub fn after_manual_run(self, pending: Option<NaiveDateTime>) -> Option<NaiveDateTime> {
        match self {
            Schedule::Once => None,
            Schedule::Daily | Schedule::Weekly | Schedule::Monthly => pending,
        }
    }

    /// The first send strictly after `after` and before `ends_at`, if the schedule has one.
    pub fn next_after(
        self,
        starts_at: NaiveDateTime,
        ends_at: NaiveDateTime,
        after: NaiveDateTime,
    ) -> Option<NaiveDateTime> {
        if after < starts_at {
            return (starts_at < ends_at).then_some(starts_at);
        }
        // A first guess from the elapsed time, then a walk: months have no fixed length.
        let elapsed_days = (after - starts_at).num_days().max(0) as u64;
        let guess = match self {
            Schedule::Once => return None,
            Schedule::Daily => elapsed_days,
            Schedule::Weekly => elapsed_days / 7,
            Schedule::Monthly => elapsed_days / 31,
        };
        let mut n = u32::try_from(guess).ok()?;
        loop {
            let at = self.occurrence(starts_at, n)?;
            if at >= ends_at {
                return None;
            }
            if at > after {
                return Some(at);
            }
            n = n.checked_add(1)?;
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|day| day.and_hms_opt(h, 0, 0))
            .expect("valid test time")
    }

    #[test]
    fn a_one_time_mailing_sends_only_at_its_start() {
        let (start, end) = (at(2026, 1, 1, 9), at(2026, 3, 1, 9));
        let before = at(2025, 12, 31, 0);
        assert_eq!(Schedule::Once.next_after(start, end, before), Some(start));
        assert_eq!(Schedule::Once.next_after(start, end, start), None);
    }

    #[test]
    fn a_daily_mailing_sends_every_day_at_the_same_time_until_its_end() {
        let (start, end) = (at(2026, 1, 1, 9), at(2026, 1, 3, 12));
        let s = Schedule::Daily;
        assert_eq!(s.next_after(start, end, start), Some(at(2026, 1, 2, 9)));
        assert_eq!(
            s.next_after(start, end, at(2026, 1, 2, 8)),
            Some(at(2026, 1, 2, 9))
        );
        assert_eq!(
            s.next_after(start, end, at(2026, 1, 2, 9)),
            Some(at(2026, 1, 3, 9))
        );
        assert_eq!(s.next_after(start, end, at(2026, 1, 3, 9)), None);
    }

    #[test]
    fn a_weekly_mailing_sends_every_seven_days() {
        let (start, end) = (at(2026, 1, 1, 9), at(2026, 2, 1, 0));
        assert_eq!(
            Schedule::Weekly.next_after(start, end, at(2026, 1, 9, 0)),
            Some(at(2026, 1, 15, 9))
        );
    }

    #[test]
    fn a_monthly_mailing_keeps_its_day_after_a_short_month() {
        let (start, end) = (at(2026, 1, 31, 9), at(2027, 1, 1, 0));
        let s = Schedule::Monthly;
        assert_eq!(s.next_after(start, end, start), Some(at(2026, 2, 28, 9)));
        assert_eq!(
            s.next_after(start, end, at(2026, 2, 28, 9)),
            Some(at(2026, 3, 31, 9))
        );
    }

    #[test]
    fn nothing_is_due_at_or_after_the_end() {
        let (start, end) = (at(2026, 1, 1, 9), at(2026, 1, 2, 9));
        assert_eq!(Schedule::Daily.next_after(start, end, start), None);
        assert_eq!(Schedule::Daily.next_after(end, start, end), None);
    }

    #[test]
    fn sending_by_hand_uses_up_a_one_time_slot_and_keeps_a_repeating_one() {
        let slot = NaiveDate::from_ymd_opt(2026, 12, 24)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .expect("valid");
        assert_eq!(Schedule::Once.after_manual_run(Some(slot)), None);
        assert_eq!(Schedule::Daily.after_manual_run(Some(slot)), Some(slot));
        assert_eq!(Schedule::Monthly.after_manual_run(None), None);
    }
}
