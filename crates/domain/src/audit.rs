//! The audit trail's vocabulary: what was done (`AuditAction`) and to what (`AuditTarget`).

use serde::{Deserialize, Serialize};

/// What an audit entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)
)]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum AuditAction {
    /// A manager blocked an account.
    #[serde(rename = "user.blocked")]
    UserBlocked,
    /// A manager unblocked an account.
    #[serde(rename = "user.unblocked")]
    UserUnblocked,
    /// A manager stopped a mailing from sending.
    #[serde(rename = "mailing.disabled")]
    MailingDisabled,
    /// A manager let a disabled mailing send again.
    #[serde(rename = "mailing.enabled")]
    MailingEnabled,
    /// The command line made an account a manager.
    #[serde(rename = "user.promoted")]
    UserPromoted,
    /// The command line made a manager a plain user.
    #[serde(rename = "user.demoted")]
    UserDemoted,
    /// The command line created a manager.
    #[serde(rename = "manager.created")]
    ManagerCreated,
    /// Someone signed in to an account from an address it had not signed in from before.
    #[serde(rename = "sign_in.new_address")]
    SignInFromNewAddress,
}

crate::text_enum!(AuditAction {
    UserBlocked => "user.blocked",
    UserUnblocked => "user.unblocked",
    MailingDisabled => "mailing.disabled",
    MailingEnabled => "mailing.enabled",
    UserPromoted => "user.promoted",
    UserDemoted => "user.demoted",
    ManagerCreated => "manager.created",
    SignInFromNewAddress => "sign_in.new_address",
});

/// What kind of thing an entry is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)
)]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    User,
    Mailing,
}

crate::text_enum!(TargetKind {
    User => "user",
    Mailing => "mailing",
});

/// One thing an entry is about, written `user:12` or `mailing:7` in a filter (an id of at most 18
/// digits, so that every one the filter's pattern allows is an id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AuditTarget {
    pub kind: TargetKind,
    pub id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetError(pub String);

impl crate::catalogue::Explain for TargetError {
    fn said(&self) -> crate::catalogue::Said {
        crate::catalogue::Said::with(crate::catalogue::Msg::TargetInvalid, [&self.0])
    }
}

crate::explained!(TargetError);

impl AuditTarget {
    pub fn parse(raw: &str) -> Result<Self, TargetError> {
        let refuse = || TargetError(raw.to_owned());
        let (kind, id) = raw.split_once(':').ok_or_else(refuse)?;
        let kind = kind.parse::<TargetKind>().map_err(|_| refuse())?;
        // As the filter's pattern says: 1 to 18 digits, the first not 0.
        let digits = (1..=18).contains(&id.len())
            && !id.starts_with('0')
            && id.bytes().all(|b| b.is_ascii_digit());
        let id = digits
            .then(|| id.parse::<i64>().ok())
            .flatten()
            .filter(|id| *id > 0)
            .ok_or_else(refuse)?;
        Ok(Self { kind, id })
    }
}

impl std::fmt::Display for AuditTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.kind, self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_is_a_kind_and_a_positive_id() {
        let target = AuditTarget::parse("user:12").expect("valid");
        assert_eq!((target.kind, target.id), (TargetKind::User, 12));
        assert_eq!(
            AuditTarget::parse("mailing:7").expect("valid").to_string(),
            "mailing:7"
        );
        let too_long = format!("user:{}", "9".repeat(19));
        for bad in [
            "user", "user:", "user:0", "user:-3", "client:4", "user:x", ":4", " user:1", "user:+4",
            "user:012",
        ] {
            assert!(AuditTarget::parse(bad).is_err(), "{bad}");
        }
        assert!(AuditTarget::parse(&too_long).is_err());
    }

    #[test]
    fn action_names_are_the_same_in_json_and_in_the_database() {
        for action in AuditAction::ALL {
            let json = serde_json::to_string(action).expect("JSON");
            assert_eq!(json, format!("\"{}\"", action.as_str()));
            assert_eq!(action.as_str().parse::<AuditAction>().as_ref(), Ok(action));
        }
    }
}
