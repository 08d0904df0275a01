//! Bounces, complaints and the suppression list: what a mail server's refusal or a later report
//! says about an address, and when an address gets no more mail.
//!
//! The rules follow the status codes of RFC 3463: `5.1.x` (bad mailbox, bad domain) and `5.2.1`
//! (mailbox disabled) condemn an address; other permanent failures (policy, content, `5.7.x`)
//! are failures of one message, not of the address.

use serde::{Deserialize, Serialize};

/// An enhanced mail system status code (RFC 3463): `class.subject.detail`, e.g. `5.1.1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EnhancedStatus {
    /// 2 success, 4 persistent transient failure, 5 permanent failure.
    pub class: u8,
    pub subject: u16,
    pub detail: u16,
}

impl EnhancedStatus {
    /// A status written alone, as in a report's `Status:` field (`5.1.1`, or `5.1.1 (comment)`).
    pub fn parse(text: &str) -> Option<Self> {
        let token = text.split_whitespace().next()?;
        let mut parts = token.splitn(3, '.');
        let class: u8 = parts.next()?.parse().ok()?;
        let subject = parts.next()?;
        let detail = parts.next()?;
        // RFC 3463: one digit of class, one to three of subject and of detail.
        let digits = |s: &str| (1..=3).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
        if !matches!(class, 2 | 4 | 5) || !digits(subject) || !digits(detail) {
            return None;
        }
        Some(Self {
            class,
            subject: subject.parse().ok()?,
            detail: detail.parse().ok()?,
        })
    }

    /// The status an SMTP reply's text starts with (RFC 2034: right after the reply code).
    pub fn in_reply(text: &str) -> Option<Self> {
        Self::parse(text.trim_start())
    }

    /// The address itself is bad: it does not exist, its domain does not, or it is disabled.
    /// X.1.7 and X.1.8 (RFC 3463) are about the *sender's* address: a receiver that cannot
    /// verify the bounce domain says so to every recipient, and none of them is to blame.
    pub fn condemns_address(self) -> bool {
        let about_sender = self.subject == 1 && matches!(self.detail, 7 | 8);
        self.class == 5
            && !about_sender
            && (self.subject == 1 || (self.subject == 2 && self.detail == 1))
    }

    pub fn is_permanent(self) -> bool {
        self.class == 5
    }
}

impl std::fmt::Display for EnhancedStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.class, self.subject, self.detail)
    }
}

/// Whether a mail server's refusal during the SMTP conversation is a hard bounce: permanent, and
/// about the address. With an enhanced status, that status decides; without one, 550 (mailbox
/// unavailable), 551 (user not local) and 553 (mailbox name not allowed) do.
pub fn is_hard_refusal(code: u16, text: &str) -> bool {
    match EnhancedStatus::in_reply(text) {
        Some(status) => (500..600).contains(&code) && status.condemns_address(),
        None => matches!(code, 550 | 551 | 553),
    }
}

/// What happened to an address, as a bounce or a complaint says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)
)]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum EventKind {
    /// The address is bad for good: suppressed at once.
    HardBounce,
    /// Not delivered this time (mailbox full, delayed, refused for policy): suppressed once
    /// enough come in a row.
    SoftBounce,
    /// The recipient marked the mail as spam: suppressed at once, and unsubscribed.
    Complaint,
}

crate::text_enum!(EventKind {
    HardBounce => "hard_bounce",
    SoftBounce => "soft_bounce",
    Complaint => "complaint",
});

impl EventKind {
    /// Whether one such event puts the address on the suppression list.
    pub fn suppresses_at_once(self) -> bool {
        matches!(self, EventKind::HardBounce | EventKind::Complaint)
    }

    pub fn is_bounce(self) -> bool {
        matches!(self, EventKind::HardBounce | EventKind::SoftBounce)
    }
}

/// Where an event was learnt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)
)]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum EventSource {
    /// The server's reply while the mail was being sent.
    Smtp,
    /// A delivery status notification (RFC 3464) that came back later.
    Dsn,
    /// A feedback report (RFC 5965) from a mailbox provider.
    Arf,
}

crate::text_enum!(EventSource {
    Smtp => "smtp",
    Dsn => "dsn",
    Arf => "arf",
});

/// Why an address is on its owner's suppression list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)
)]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum SuppressionReason {
    HardBounce,
    /// `BOUNCE_SOFT_LIMIT` soft bounces in a row.
    SoftBounce,
    Complaint,
    /// Added by its owner.
    Manual,
}

crate::text_enum!(SuppressionReason {
    HardBounce => "hard_bounce",
    SoftBounce => "soft_bounce",
    Complaint => "complaint",
    Manual => "manual",
});

impl From<EventKind> for SuppressionReason {
    fn from(kind: EventKind) -> Self {
        match kind {
            EventKind::HardBounce => SuppressionReason::HardBounce,
            EventKind::SoftBounce => SuppressionReason::SoftBounce,
            EventKind::Complaint => SuppressionReason::Complaint,
        }
    }
}

/// How a mail came back to Mailroom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)
)]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum Door {
    /// `mailroom bounce`, from an MTA's pipe or an alias.
    Pipe,
    /// The receive-only SMTP listener (`BOUNCE_SMTP_BIND`).
    Smtp,
}

crate::text_enum!(Door {
    Pipe => "pipe",
    Smtp => "smtp",
});

/// What a mail that came back was found to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)
)]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum ReportOutcome {
    /// A delivery status notification about at least one of our deliveries.
    Bounce,
    /// A feedback report about one of our deliveries.
    Complaint,
    /// Anything else (an auto-reply, a report about no delivery of ours, a forged token): kept,
    /// acted on never.
    Ignored,
}

crate::text_enum!(ReportOutcome {
    Bounce => "bounce",
    Complaint => "complaint",
    Ignored => "ignored",
});

/// Soft bounces in a row that suppress an address, by default.
pub const DEFAULT_SOFT_LIMIT: u32 = 3;

/// Whether an address with this event, after `soft_in_a_row` soft bounces (this one included)
/// since its last delivery that did not bounce, goes on the suppression list.
pub fn suppresses(kind: EventKind, soft_in_a_row: u32, soft_limit: u32) -> bool {
    kind.suppresses_at_once() || soft_in_a_row >= soft_limit.max(1)
}

/// What a delivery status notification says of one recipient (RFC 3464, section 2.3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DsnAction {
    Failed,
    Delayed,
    Delivered,
    Relayed,
    Expanded,
}

impl DsnAction {
    pub fn parse(text: &str) -> Option<Self> {
        // Values are case-insensitive and may carry a comment.
        let word = text.split_whitespace().next()?.to_ascii_lowercase();
        Some(match word.as_str() {
            "failed" => DsnAction::Failed,
            "delayed" => DsnAction::Delayed,
            "delivered" => DsnAction::Delivered,
            "relayed" => DsnAction::Relayed,
            "expanded" => DsnAction::Expanded,
            _ => return None,
        })
    }
}

/// What one recipient's part of a DSN means for the address: a failure whose status condemns it
/// is a hard bounce, any other failure or delay a soft one; delivered, relayed and expanded are
/// no bounce at all.
pub fn dsn_verdict(action: DsnAction, status: Option<EnhancedStatus>) -> Option<EventKind> {
    match action {
        DsnAction::Failed if status.is_some_and(EnhancedStatus::condemns_address) => {
            Some(EventKind::HardBounce)
        }
        DsnAction::Failed | DsnAction::Delayed => Some(EventKind::SoftBounce),
        DsnAction::Delivered | DsnAction::Relayed | DsnAction::Expanded => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(s: &str) -> EnhancedStatus {
        EnhancedStatus::parse(s).expect("a status")
    }

    #[test]
    fn a_status_is_read_alone_or_at_the_start_of_a_reply() {
        assert_eq!(
            status("5.1.1"),
            EnhancedStatus {
                class: 5,
                subject: 1,
                detail: 1
            }
        );
        assert_eq!(status("4.4.7 (delivery time expired)").to_string(), "4.4.7");
        assert_eq!(
            EnhancedStatus::in_reply(" 5.2.1 <a@b>: mailbox disabled"),
            Some(status("5.2.1"))
        );
        assert_eq!(EnhancedStatus::parse("OK"), None);
        assert_eq!(EnhancedStatus::parse("3.1.1"), None);
        assert_eq!(EnhancedStatus::parse("5.1"), None);
        assert_eq!(EnhancedStatus::parse("5.1000.1"), None);
        assert_eq!(EnhancedStatus::parse("5.x.1"), None);
    }

    #[test]
    fn bad_mailboxes_domains_and_disabled_accounts_are_hard_refusals() {
        assert!(is_hard_refusal(
            550,
            "5.1.1 <a@b>: Recipient address rejected"
        ));
        assert!(is_hard_refusal(550, "5.1.2 bad destination system"));
        assert!(is_hard_refusal(550, "5.2.1 mailbox disabled"));
        assert!(is_hard_refusal(553, "5.1.3 bad address syntax"));
    }

    #[test]
    fn policy_and_content_refusals_do_not_condemn_the_address() {
        assert!(!is_hard_refusal(554, "5.7.1 message refused as spam"));
        assert!(!is_hard_refusal(550, "5.7.1 relaying denied"));
        assert!(!is_hard_refusal(552, "5.2.2 mailbox full"));
        assert!(!is_hard_refusal(554, "transaction failed"));
        assert!(
            !is_hard_refusal(553, "5.1.8 <b@bounce.example.org>: Sender address rejected"),
            "a refusal of the sender's domain blames no recipient"
        );
        assert!(!is_hard_refusal(501, "5.1.7 Bad sender address syntax"));
        assert!(
            !is_hard_refusal(450, "4.1.1 try later"),
            "a transient failure condemns nothing"
        );
    }

    #[test]
    fn without_an_enhanced_status_the_reply_code_decides() {
        assert!(is_hard_refusal(
            550,
            "Requested action not taken: mailbox unavailable"
        ));
        assert!(is_hard_refusal(551, "User not local"));
        assert!(is_hard_refusal(553, "mailbox name not allowed"));
        assert!(!is_hard_refusal(552, "exceeded storage allocation"));
        assert!(!is_hard_refusal(554, "no SMTP service here"));
    }

    #[test]
    fn a_report_of_a_failure_is_a_hard_or_soft_bounce_by_its_status() {
        let failed = DsnAction::parse("Failed").expect("an action");
        assert_eq!(
            dsn_verdict(failed, Some(status("5.1.1"))),
            Some(EventKind::HardBounce)
        );
        assert_eq!(
            dsn_verdict(failed, Some(status("5.2.1"))),
            Some(EventKind::HardBounce)
        );
        assert_eq!(
            dsn_verdict(failed, Some(status("5.7.1"))),
            Some(EventKind::SoftBounce)
        );
        assert_eq!(
            dsn_verdict(failed, Some(status("5.2.2"))),
            Some(EventKind::SoftBounce)
        );
        assert_eq!(dsn_verdict(failed, None), Some(EventKind::SoftBounce));
        assert_eq!(
            dsn_verdict(DsnAction::Delayed, Some(status("4.4.7"))),
            Some(EventKind::SoftBounce)
        );
        assert_eq!(
            dsn_verdict(
                DsnAction::parse("delivered (to mailbox)").expect("an action"),
                Some(status("2.0.0"))
            ),
            None
        );
        assert_eq!(DsnAction::parse("bounced"), None);
    }

    #[test]
    fn hard_bounces_and_complaints_suppress_at_once_soft_bounces_at_the_limit() {
        assert!(suppresses(EventKind::HardBounce, 0, 3));
        assert!(suppresses(EventKind::Complaint, 0, 3));
        assert!(!suppresses(EventKind::SoftBounce, 2, 3));
        assert!(suppresses(EventKind::SoftBounce, 3, 3));
        assert!(
            suppresses(EventKind::SoftBounce, 1, 0),
            "a limit of 0 is taken as 1"
        );
    }

    #[test]
    fn every_event_kind_is_a_suppression_reason_of_its_own_name() {
        for kind in EventKind::ALL {
            assert_eq!(SuppressionReason::from(*kind).as_str(), kind.as_str());
        }
    }
}
