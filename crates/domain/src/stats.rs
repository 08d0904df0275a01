//! The days a statistics series covers: a range the caller chooses, checked, and every day in it.

use chrono::{Days, NaiveDate};

use crate::wire::DailyAttempts;

/// Without a range, a series covers the last 30 days, today included.
pub const DEFAULT_DAYS: u64 = 30;
/// The longest series one request may ask for.
pub const MAX_DAYS: u64 = 366;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayRangeError {
    Reversed,
    TooLong,
}

impl crate::catalogue::Explain for DayRangeError {
    fn said(&self) -> crate::catalogue::Said {
        use crate::catalogue::{Msg, Said};
        match self {
            DayRangeError::Reversed => Said::new(Msg::RangeReversed),
            DayRangeError::TooLong => Said::with(Msg::RangeTooLong, [MAX_DAYS]),
        }
    }
}

crate::explained!(DayRangeError);

impl DayRange {
    /// `from` and `to` are both included; either may be left out (`to` defaults to today, `from`
    /// to 29 days before `to`).
    pub fn parse(
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<Self, DayRangeError> {
        let to = to.unwrap_or(today);
        let from = match from {
            Some(from) => from,
            None => to
                .checked_sub_days(Days::new(DEFAULT_DAYS - 1))
                .unwrap_or(NaiveDate::MIN),
        };
        if from > to {
            return Err(DayRangeError::Reversed);
        }
        let days = u64::try_from((to - from).num_days() + 1).unwrap_or(u64::MAX);
        if days > MAX_DAYS {
            return Err(DayRangeError::TooLong);
        }
        Ok(Self { from, to })
    }

    /// Every day of the range with its counts, zero where `counts` has none: a chart needs no gaps.
    pub fn fill(&self, counts: &[DailyAttempts]) -> Vec<DailyAttempts> {
        self.from
            .iter_days()
            .take_while(|day| *day <= self.to)
            .map(|day| {
                counts
                    .iter()
                    .find(|d| d.day == day)
                    .copied()
                    .unwrap_or(DailyAttempts {
                        day,
                        succeeded: 0,
                        failed: 0,
                        bounced: 0,
                        complained: 0,
                    })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    #[test]
    fn without_bounds_a_range_is_the_last_thirty_days() {
        let range = DayRange::parse(None, None, day("2026-11-27")).expect("valid");
        assert_eq!(
            (range.from, range.to),
            (day("2026-10-29"), day("2026-11-27"))
        );
        assert_eq!(range.fill(&[]).len(), 30);
    }

    #[test]
    fn a_reversed_or_too_long_range_is_refused() {
        let today = day("2026-11-27");
        assert_eq!(
            DayRange::parse(Some(day("2026-11-02")), Some(day("2026-11-01")), today),
            Err(DayRangeError::Reversed)
        );
        assert_eq!(
            DayRange::parse(Some(day("2025-01-01")), Some(day("2026-01-02")), today),
            Err(DayRangeError::TooLong)
        );
        assert!(DayRange::parse(Some(day("2025-01-01")), Some(day("2026-01-01")), today).is_ok());
    }

    #[test]
    fn filling_keeps_every_day_in_order_with_zeros_between_counts() {
        let range = DayRange::parse(
            Some(day("2026-11-01")),
            Some(day("2026-11-03")),
            day("2026-11-27"),
        )
        .expect("valid");
        let counts = |d: &str, succeeded, failed, bounced| DailyAttempts {
            day: day(d),
            succeeded,
            failed,
            bounced,
            complained: 0,
        };
        let filled = range.fill(&[counts("2026-11-03", 4, 1, 1), counts("2026-11-01", 2, 0, 0)]);
        assert_eq!(
            filled,
            vec![
                counts("2026-11-01", 2, 0, 0),
                counts("2026-11-02", 0, 0, 0),
                counts("2026-11-03", 4, 1, 1)
            ]
        );
    }
}
