//! Who someone is in Mailroom and what state their account is in.

use serde::{Deserialize, Serialize};

use crate::validation::{TextError, required_line};

/// The longest name an account may have.
pub const MAX_NAME_CHARS: usize = 200;
/// The longest name an API token may have.
pub const MAX_TOKEN_NAME_CHARS: usize = 100;

/// An account's name: required, and one line, since it goes into the `Reply-To:` of its mailings.
pub fn full_name(raw: &str) -> Result<String, TextError> {
    required_line(raw, MAX_NAME_CHARS)
}

/// A person's role. Roles are read from the database on every request, never trusted from a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)
)]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum Role {
    /// Sees and changes only their own clients, messages and mailings.
    User,
    /// Sees everyone's data, lists and blocks users, disables mailings; never edits others' data.
    Manager,
}

/// Where an account is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)
)]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum UserState {
    /// Registered, email address not yet confirmed: cannot sign in.
    Unconfirmed,
    Active,
    /// Locked out by a manager: cannot sign in, and their mailings do not send.
    Blocked,
}

/// Why a session ended before its time: kept with its refresh token, so that a refresh refused
/// after a password change can say so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)
)]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum SessionEnd {
    SignedOut,
    /// The password was changed or reset: every session of the account ends.
    PasswordChanged,
    /// A refresh token was used twice: both holders must sign in again.
    Reused,
    Blocked,
}

crate::text_enum!(SessionEnd {
    SignedOut => "signed_out",
    PasswordChanged => "password_changed",
    Reused => "reused",
    Blocked => "blocked",
});

/// What a single-use link mailed to someone is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)
)]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum LinkPurpose {
    ConfirmEmail,
    ResetPassword,
}

crate::text_enum!(LinkPurpose {
    ConfirmEmail => "confirm_email",
    ResetPassword => "reset_password",
});

impl LinkPurpose {
    /// How long a link stays valid: a day to confirm an address, an hour to reset a password.
    pub fn lifetime(self) -> chrono::Duration {
        match self {
            LinkPurpose::ConfirmEmail => chrono::Duration::hours(24),
            LinkPurpose::ResetPassword => chrono::Duration::hours(1),
        }
    }

    /// How the link is named in messages: "this confirmation link has expired".
    pub fn label(self) -> crate::catalogue::Msg {
        match self {
            LinkPurpose::ConfirmEmail => crate::catalogue::Msg::LinkConfirmation,
            LinkPurpose::ResetPassword => crate::catalogue::Msg::LinkPasswordReset,
        }
    }

    /// The web app's page the link opens.
    pub fn path(self) -> &'static str {
        match self {
            LinkPurpose::ConfirmEmail => "/confirm",
            LinkPurpose::ResetPassword => "/reset-password",
        }
    }
}

crate::text_enum!(Role { User => "user", Manager => "manager" });
crate::text_enum!(UserState {
    Unconfirmed => "unconfirmed",
    Active => "active",
    Blocked => "blocked",
});

/// How managers' list of accounts is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserSort {
    CreatedAt,
    Email,
}

impl crate::listing::SortField for UserSort {
    const FIELDS: &'static [(&'static str, Self)] = &[
        ("created_at", UserSort::CreatedAt),
        ("email", UserSort::Email),
    ];
    const DEFAULT: crate::listing::Sort<Self> = crate::listing::Sort {
        field: UserSort::CreatedAt,
        descending: false,
    };
}

impl Role {
    pub fn is_manager(self) -> bool {
        self == Role::Manager
    }
}

impl UserState {
    pub fn can_sign_in(self) -> bool {
        self == UserState::Active
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_stored_names() {
        for role in [Role::User, Role::Manager] {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("admin".parse::<Role>().is_err());
    }

    #[test]
    fn only_active_accounts_can_sign_in() {
        assert!(UserState::Active.can_sign_in());
        assert!(!UserState::Unconfirmed.can_sign_in());
        assert!(!UserState::Blocked.can_sign_in());
    }
}
