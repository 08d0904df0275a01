//! A mailing's life: created, running once something was sent, completed once its end time passed.

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};

use crate::Schedule;
use crate::audience::Audience;
use crate::validation::{Validator, required_line};
use crate::wire::{self, FieldError};

pub mod copy;
mod status;

pub use status::{AttemptSort, AttemptStatus, MailingSort, MailingStatus};

pub const MAX_NAME_CHARS: usize = 200;
/// The longest sender name a mailing's mail goes out under.
pub const MAX_FROM_NAME_CHARS: usize = 100;

/// A mailing's name when none is given: its message's subject, cut to a name's length.
pub fn default_name(subject: &str) -> String {
    subject.chars().take(MAX_NAME_CHARS).collect()
}

/// A mailing's name, message, audience and schedule, checked: it ends after it starts, it reaches
/// someone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailingFields {
    /// None: named after its message's subject when saved.
    pub name: Option<String>,
    /// The sender's name in its mail; None: its owner's full name.
    pub from_name: Option<String>,
    pub message_id: i64,
    pub audience: Audience,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub schedule: Schedule,
}

/// A mailing's fields as a request sends them.
#[derive(Debug, Clone, Copy)]
pub struct MailingInput<'a> {
    pub name: Option<&'a str>,
    /// Blank: none (its owner's name).
    pub from_name: Option<&'a str>,
    pub message_id: i64,
    pub audience: Option<&'a wire::Audience>,
    /// Chosen clients sent without an audience, as before audiences existed.
    pub client_ids: Option<&'a [i64]>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub schedule: Schedule,
}

impl MailingFields {
    /// `keep` is the mailing's audience as it is, for an edit (see `Audience::parse`).
    pub fn parse(
        input: MailingInput<'_>,
        keep: Option<&Audience>,
    ) -> Result<Self, Vec<FieldError>> {
        // The databases keep microseconds: compare what will be stored.
        let starts_at = input.starts_at.trunc_subsecs(6);
        let ends_at = input.ends_at.trunc_subsecs(6);
        let mut v = Validator::new();
        let name = match input.name {
            Some(raw) => v
                .check("name", required_line(raw, MAX_NAME_CHARS))
                .map(Some),
            None => Some(None),
        };
        let from_name = match input.from_name.map(str::trim) {
            None | Some("") => Some(None),
            Some(raw) => v
                .check("from_name", required_line(raw, MAX_FROM_NAME_CHARS))
                .map(Some),
        };
        if ends_at <= starts_at {
            v.add(
                "ends_at",
                crate::catalogue::Said::new(crate::catalogue::Msg::EndsBeforeStart),
            );
        }
        let audience = Audience::parse(&mut v, input.audience, input.client_ids, keep);
        v.finish()?;
        match (name, from_name, audience) {
            (Some(name), Some(from_name), Some(audience)) => Ok(Self {
                name,
                from_name,
                message_id: input.message_id,
                audience,
                starts_at: starts_at.naive_utc(),
                ends_at: ends_at.naive_utc(),
                schedule: input.schedule,
            }),
            _ => Err(Vec::new()),
        }
    }
}

impl MailingFields {
    /// Whether `other` sends at other times: another schedule, start or end.
    pub fn timing_differs(&self, other: &MailingFields) -> bool {
        self.schedule != other.schedule
            || self.starts_at != other.starts_at
            || self.ends_at != other.ends_at
    }

    /// The next scheduled send once the timing is this: after the last slot already sent (its
    /// schedule goes on in its new shape), or the start when none was. A one-time mailing sent
    /// at all (by hand too, which takes no slot) has no send left: once means once.
    pub fn next_slot(
        &self,
        last_sent_slot: Option<NaiveDateTime>,
        ever_sent: bool,
    ) -> Option<NaiveDateTime> {
        if self.schedule == Schedule::Once && ever_sent {
            return None;
        }
        match last_sent_slot {
            Some(last) => self.schedule.next_after(self.starts_at, self.ends_at, last),
            None => (self.starts_at < self.ends_at).then_some(self.starts_at),
        }
    }

    /// A new end time must be ahead: a mailing made (or moved) to end in the past would show
    /// completed at once and never send. `previous_end` is the stored one, which an edit of
    /// other fields may keep as it is.
    pub fn check_end(
        &self,
        now: NaiveDateTime,
        previous_end: Option<NaiveDateTime>,
    ) -> Result<(), Vec<FieldError>> {
        if previous_end != Some(self.ends_at) && self.ends_at <= now {
            let mut v = Validator::new();
            v.add(
                "ends_at",
                crate::catalogue::Said::new(crate::catalogue::Msg::EndPassed),
            );
            return v.finish();
        }
        Ok(())
    }
}

/// Why a change to a mailing is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditRefusal {
    Completed,
}

impl crate::catalogue::Explain for EditRefusal {
    fn said(&self) -> crate::catalogue::Said {
        match self {
            EditRefusal::Completed => {
                crate::catalogue::Said::new(crate::catalogue::Msg::MailingCompleted)
            }
        }
    }
}

crate::explained!(EditRefusal);

/// A completed mailing is history: what it sent, to whom and when stays. Its name may change, and
/// a later end time reopens it.
pub fn check_edit(
    status: MailingStatus,
    current: &MailingFields,
    wanted: &MailingFields,
) -> Result<(), EditRefusal> {
    if status != MailingStatus::Completed {
        return Ok(());
    }
    let history_kept = wanted.message_id == current.message_id
        && wanted.from_name == current.from_name
        && wanted.audience.same_as(&current.audience)
        && wanted.starts_at == current.starts_at
        && wanted.schedule == current.schedule
        && wanted.ends_at >= current.ends_at;
    if history_kept {
        Ok(())
    } else {
        Err(EditRefusal::Completed)
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn at(hour: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 26)
            .and_then(|d| d.and_hms_opt(hour, 0, 0))
            .expect("valid test time")
    }

    fn utc(hour: u32) -> DateTime<Utc> {
        at(hour).and_utc()
    }

    fn fields(
        client_ids: &[i64],
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
        schedule: Schedule,
    ) -> Result<MailingFields, Vec<FieldError>> {
        MailingFields::parse(
            MailingInput {
                name: None,
                from_name: None,
                message_id: 1,
                audience: None,
                client_ids: Some(client_ids),
                starts_at,
                ends_at,
                schedule,
            },
            None,
        )
    }

    #[test]
    fn a_mailing_must_end_after_it_starts_and_have_clients() {
        let errors = fields(&[], utc(10), utc(10), Schedule::Once).expect_err("invalid");
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["ends_at", "client_ids"]);
    }

    #[test]
    fn times_equal_to_the_microsecond_are_not_an_interval() {
        let start = utc(10);
        let end = start + chrono::Duration::nanoseconds(100);
        assert!(fields(&[1], start, end, Schedule::Once).is_err());
    }

    #[test]
    fn a_name_is_one_line_of_at_most_200_characters_and_defaults_to_the_subject() {
        let input = |name| MailingInput {
            name: Some(name),
            from_name: None,
            message_id: 1,
            audience: Some(&wire::Audience::All),
            client_ids: None,
            starts_at: utc(9),
            ends_at: utc(18),
            schedule: Schedule::Once,
        };
        let named = MailingFields::parse(input(" Winter\nsale "), None).expect("valid");
        assert_eq!(named.name.as_deref(), Some("Winter sale"));
        let errors = MailingFields::parse(input(&"n".repeat(201)), None).expect_err("long");
        assert_eq!(errors[0].field, "name");
        assert_eq!(default_name(&"s".repeat(300)).chars().count(), 200);
    }

    #[test]
    fn a_sender_name_is_one_line_of_at_most_100_characters_or_none() {
        let input = |from_name| MailingInput {
            name: None,
            from_name: Some(from_name),
            message_id: 1,
            audience: Some(&wire::Audience::All),
            client_ids: None,
            starts_at: utc(9),
            ends_at: utc(18),
            schedule: Schedule::Once,
        };
        let named = MailingFields::parse(input(" Ann's\nshop "), None).expect("valid");
        assert_eq!(named.from_name.as_deref(), Some("Ann's shop"));
        let blank = MailingFields::parse(input("  "), None).expect("valid");
        assert_eq!(blank.from_name, None, "blank: the owner's name");
        let errors = MailingFields::parse(input(&"n".repeat(101)), None).expect_err("long");
        assert_eq!(errors[0].field, "from_name");
    }

    #[test]
    fn a_completed_mailing_may_only_have_its_end_extended() {
        let current = fields(&[1, 2], utc(9), utc(12), Schedule::Once).expect("valid");
        let later = MailingFields {
            ends_at: at(20),
            ..current.clone()
        };
        assert_eq!(
            check_edit(MailingStatus::Completed, &current, &later),
            Ok(())
        );
        let renamed = MailingFields {
            name: Some("History".into()),
            ..current.clone()
        };
        assert_eq!(
            check_edit(MailingStatus::Completed, &current, &renamed),
            Ok(())
        );
        // Who its mail came from is part of what was sent.
        let other_sender = MailingFields {
            from_name: Some("Another Shop".into()),
            ..current.clone()
        };
        assert_eq!(
            check_edit(MailingStatus::Completed, &current, &other_sender),
            Err(EditRefusal::Completed)
        );
        let earlier = MailingFields {
            ends_at: at(11),
            ..current.clone()
        };
        assert_eq!(
            check_edit(MailingStatus::Completed, &current, &earlier),
            Err(EditRefusal::Completed)
        );
        let other_clients = MailingFields {
            audience: Audience::Clients(vec![1]),
            ends_at: at(20),
            ..current.clone()
        };
        assert_eq!(
            check_edit(MailingStatus::Completed, &current, &other_clients),
            Err(EditRefusal::Completed)
        );
        assert_eq!(
            check_edit(MailingStatus::Running, &current, &other_clients),
            Ok(())
        );
    }

    #[test]
    fn only_a_change_of_schedule_start_or_end_changes_the_timing() {
        let current = fields(&[1], utc(9), utc(18), Schedule::Daily).expect("valid");
        let other_clients = MailingFields {
            audience: Audience::All,
            message_id: 5,
            ..current.clone()
        };
        assert!(!current.timing_differs(&other_clients));
        let later_end = MailingFields {
            ends_at: at(20),
            ..current.clone()
        };
        assert!(current.timing_differs(&later_end));
    }

    #[test]
    fn the_next_slot_follows_the_last_one_sent_or_is_the_start() {
        let daily = fields(
            &[1],
            utc(9),
            utc(9) + chrono::Duration::days(3),
            Schedule::Daily,
        )
        .expect("valid");
        assert_eq!(daily.next_slot(None, false), Some(at(9)));
        assert_eq!(
            daily.next_slot(Some(at(9)), true),
            Some(at(9) + chrono::Duration::days(1))
        );
        assert_eq!(
            daily.next_slot(None, true),
            Some(at(9)),
            "sent by hand only"
        );
        let once = MailingFields {
            schedule: Schedule::Once,
            ..daily
        };
        assert_eq!(once.next_slot(Some(at(9)), true), None, "sent once already");
        assert_eq!(
            once.next_slot(None, true),
            None,
            "sent by hand: no slot left"
        );
        assert_eq!(once.next_slot(None, false), Some(at(9)));
    }

    #[test]
    fn a_new_end_time_must_be_ahead_but_a_kept_one_may_have_passed() {
        let checked = fields(&[1], utc(9), utc(12), Schedule::Once).expect("valid");
        let errors = checked.check_end(at(13), None).expect_err("past");
        assert_eq!(errors[0].field, "ends_at");
        assert!(
            checked.check_end(at(12), Some(at(11))).is_err(),
            "moved, still past"
        );
        assert_eq!(
            checked.check_end(at(13), Some(at(12))),
            Ok(()),
            "kept as it was"
        );
        assert_eq!(checked.check_end(at(11), None), Ok(()));
    }
}
