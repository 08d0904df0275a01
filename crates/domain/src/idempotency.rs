//! Idempotency keys (the IETF httpapi draft, `Idempotency-Key`): what a key may be, and how long
//! its answer is kept.

use chrono::TimeDelta;

/// How long the answer to a keyed request is kept: a retry within it gets the same answer.
pub const KEPT_FOR: TimeDelta = TimeDelta::hours(24);
/// How long a keyed request that has not answered holds its key: past it, its process is taken
/// for dead and a retry runs it again.
pub const RUNS_FOR: TimeDelta = TimeDelta::minutes(5);
/// The longest key.
pub const MAX_LEN: usize = 255;

/// A client's key: 1 to 255 printable ASCII characters, sent bare or as a structured-field
/// string (`"…"`, as the draft writes it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyError {
    Empty,
    TooLong,
    NotPrintable,
}

impl crate::catalogue::Explain for KeyError {
    fn said(&self) -> crate::catalogue::Said {
        use crate::catalogue::{Msg, Said};
        match self {
            KeyError::Empty => Said::new(Msg::KeyEmpty),
            KeyError::TooLong => Said::with(Msg::KeyTooLong, [MAX_LEN]),
            KeyError::NotPrintable => Said::new(Msg::KeyNotPrintable),
        }
    }
}

crate::explained!(KeyError);

impl IdempotencyKey {
    pub fn parse(value: &str) -> Result<Self, KeyError> {
        let value = value.trim();
        if value.is_empty() {
            return Err(KeyError::Empty);
        }
        // Counted as sent, quotes too, as the API's document counts it (`maxLength`).
        if value.len() > MAX_LEN {
            return Err(KeyError::TooLong);
        }
        // `""` is two characters, not an empty key: what the document's pattern says.
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .filter(|v| !v.is_empty())
            .unwrap_or(value);
        if !value.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
            return Err(KeyError::NotPrintable);
        }
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_taken_bare_or_quoted_and_refused_empty_too_long_or_unprintable() {
        let uuid = "8e03978e-40d5-43e8-bc93-6894a57f9324";
        assert_eq!(IdempotencyKey::parse(uuid).expect("bare").as_str(), uuid);
        assert_eq!(
            IdempotencyKey::parse(&format!("\"{uuid}\""))
                .expect("quoted")
                .as_str(),
            uuid
        );
        assert_eq!(IdempotencyKey::parse("  "), Err(KeyError::Empty));
        assert_eq!(
            IdempotencyKey::parse("\"\"").expect("quotes").as_str(),
            "\"\""
        );
        assert!(IdempotencyKey::parse(&"k".repeat(MAX_LEN)).is_ok());
        assert_eq!(
            IdempotencyKey::parse(&format!("\"{}\"", "k".repeat(MAX_LEN - 1))),
            Err(KeyError::TooLong)
        );
        assert_eq!(
            IdempotencyKey::parse(&"k".repeat(MAX_LEN + 1)),
            Err(KeyError::TooLong)
        );
        assert_eq!(IdempotencyKey::parse("clé"), Err(KeyError::NotPrintable));
    }
}
