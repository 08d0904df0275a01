//! The password policy: long enough to resist guessing, short enough to hash in bounded time.

use std::fmt;

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// A password that meets the policy. Never printed: `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordError {
    TooShort,
    TooLong,
}

impl crate::catalogue::Explain for PasswordError {
    fn said(&self) -> crate::catalogue::Said {
        use crate::catalogue::{Msg, Said};
        match self {
            PasswordError::TooShort => Said::with(Msg::PasswordTooShort, [MIN_PASSWORD_CHARS]),
            PasswordError::TooLong => Said::with(Msg::PasswordTooLong, [MAX_PASSWORD_CHARS]),
        }
    }
}

crate::explained!(PasswordError);

impl Password {
    /// Counts characters, not bytes, and keeps spaces: a passphrase is a fine password.
    pub fn parse(raw: &str) -> Result<Self, PasswordError> {
        let chars = raw.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            Err(PasswordError::TooShort)
        } else if chars > MAX_PASSWORD_CHARS {
            Err(PasswordError::TooLong)
        } else {
            Ok(Self(raw.to_owned()))
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_characters_is_the_shortest_password_accepted() {
        assert_eq!(Password::parse("123456789"), Err(PasswordError::TooShort));
        assert!(Password::parse("1234567890").is_ok());
    }

    #[test]
    fn characters_are_counted_not_bytes() {
        assert!(
            Password::parse("пароль-дом").is_ok(),
            "10 Cyrillic characters, 19 bytes"
        );
        assert_eq!(
            Password::parse(&"я".repeat(129)),
            Err(PasswordError::TooLong)
        );
        assert!(Password::parse(&"я".repeat(128)).is_ok());
    }

    #[test]
    fn a_password_never_shows_in_debug_output() {
        let password = Password::parse("correct horse battery").expect("valid");
        assert_eq!(format!("{password:?}"), "Password(***)");
    }
}
