//! Statistics on the wire: the home page's totals, a user's, a mailing's and, for managers, each user's.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Run;
use crate::{MailingStatus, Role, UserState};

/// Everyone's figures, shown on the home page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Overview {
    pub mailings: u64,
    pub running_mailings: u64,
    /// Distinct addresses (any case, any owner) that mailings' audiences hold now: their chosen
    /// clients, all clients of an owner with a mailing to all clients, and the clients of segments.
    pub unique_recipients: u64,
}

/// Mailings by their status at the moment of reading.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MailingCounts {
    pub total: u64,
    pub created: u64,
    pub running: u64,
    pub completed: u64,
}

/// Delivery attempts by outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttemptCounts {
    pub succeeded: u64,
    pub failed: u64,
}

/// One day (UTC) of a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DailyAttempts {
    pub day: NaiveDate,
    pub succeeded: u64,
    pub failed: u64,
    /// Bounces learnt that day: refusals of the address during sending and later reports.
    #[serde(default)]
    pub bounced: u64,
    /// Complaints (feedback reports) received that day.
    #[serde(default)]
    pub complained: u64,
}

/// The signed-in user's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyStats {
    pub mailings: MailingCounts,
    pub clients: u64,
    /// Deliveries the mail server accepted (a message retried counts once).
    pub messages_sent: u64,
    pub attempts: AttemptCounts,
    /// Hard and soft bounces, all time.
    pub bounced: u64,
    /// Complaints, all time.
    pub complained: u64,
    /// First day of `daily`.
    pub from: NaiveDate,
    /// Last day of `daily`.
    pub to: NaiveDate,
    /// Every day from `from` to `to`, zeros included.
    pub daily: Vec<DailyAttempts>,
}

/// One mailing's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MailingStats {
    pub mailing_id: i64,
    pub status: MailingStatus,
    pub clients: u64,
    /// Deliveries the mail server accepted (a message retried counts once).
    pub messages_sent: u64,
    pub attempts: AttemptCounts,
    /// Hard and soft bounces, all time.
    pub bounced: u64,
    /// Complaints, all time.
    pub complained: u64,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub daily: Vec<DailyAttempts>,
    /// Its latest runs, newest first (at most 20; `/mailings/{id}/runs` pages through all).
    pub runs: Vec<Run>,
}

/// One account's figures, for managers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserStats {
    pub user_id: i64,
    pub email: String,
    pub full_name: String,
    pub role: Role,
    pub state: UserState,
    pub mailings: u64,
    pub clients: u64,
    pub messages_sent: u64,
    pub attempts: AttemptCounts,
}
