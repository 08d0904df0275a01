//! A mailing's status as read, the sorts of mailing and attempt lists, and an attempt's outcome.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::listing::{Sort, SortField};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MailingStatus {
    /// Nothing has been sent yet.
    Created,
    /// At least one delivery was attempted and the end time is still ahead.
    Running,
    /// The end time has passed: nothing more will be sent.
    Completed,
}

crate::text_enum!(MailingStatus {
    Created => "created",
    Running => "running",
    Completed => "completed",
});

impl MailingStatus {
    /// The status as it is at `now`, whatever a background job last stored: a reader must never see a
    /// mailing "running" after its end time just because the scheduler has not run yet.
    pub fn at(now: NaiveDateTime, ends_at: NaiveDateTime, attempted: bool) -> Self {
        if now >= ends_at {
            MailingStatus::Completed
        } else if attempted {
            MailingStatus::Running
        } else {
            MailingStatus::Created
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailingSort {
    CreatedAt,
    StartsAt,
    EndsAt,
}

impl SortField for MailingSort {
    const FIELDS: &'static [(&'static str, Self)] = &[
        ("created_at", MailingSort::CreatedAt),
        ("starts_at", MailingSort::StartsAt),
        ("ends_at", MailingSort::EndsAt),
    ];
    const DEFAULT: Sort<Self> = Sort {
        field: MailingSort::CreatedAt,
        descending: true,
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptSort {
    AttemptedAt,
}

impl SortField for AttemptSort {
    const FIELDS: &'static [(&'static str, Self)] = &[("attempted_at", AttemptSort::AttemptedAt)];
    const DEFAULT: Sort<Self> = Sort {
        field: AttemptSort::AttemptedAt,
        descending: true,
    };
}

/// The outcome of one delivery attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)
)]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum AttemptStatus {
    Success,
    Failure,
}

crate::text_enum!(AttemptStatus {
    Success => "success",
    Failure => "failure",
});

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn at(hour: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 26)
            .and_then(|d| d.and_hms_opt(hour, 0, 0))
            .expect("valid test time")
    }

    #[test]
    fn a_mailing_never_sent_is_created() {
        assert_eq!(
            MailingStatus::at(at(9), at(18), false),
            MailingStatus::Created
        );
    }

    #[test]
    fn a_mailing_sent_at_least_once_is_running_until_its_end() {
        assert_eq!(
            MailingStatus::at(at(9), at(18), true),
            MailingStatus::Running
        );
    }

    #[test]
    fn a_mailing_is_completed_from_its_end_time_on_sent_or_not() {
        assert_eq!(
            MailingStatus::at(at(18), at(18), true),
            MailingStatus::Completed
        );
        assert_eq!(
            MailingStatus::at(at(19), at(18), false),
            MailingStatus::Completed
        );
    }

    #[test]
    fn statuses_round_trip_through_their_stored_names() {
        for status in MailingStatus::ALL {
            assert_eq!(
                status.as_str().parse::<MailingStatus>().as_ref(),
                Ok(status)
            );
        }
        let err = "paused".parse::<MailingStatus>().expect_err("unknown");
        assert_eq!(err.to_string(), "'paused' is not a valid MailingStatus");
    }
}
