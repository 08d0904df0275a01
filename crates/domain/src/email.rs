//! An email address that can only exist valid.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize};

/// The longest address SMTP can carry (RFC 5321 path limit minus the angle brackets).
pub const MAX_LEN: usize = 254;

/// A syntactically valid email address, trimmed, as the person typed it.
///
/// Addresses compare case-insensitively everywhere in Mailroom (uniqueness of users and of clients per
/// owner), so [`EmailAddress::normalized`] gives the form used for comparison and indexes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct EmailAddress(String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmailError {
    Empty,
    TooLong,
    Invalid(String),
    NotAscii(String),
    NotMailable(String),
}

impl crate::catalogue::Explain for EmailError {
    fn said(&self) -> crate::catalogue::Said {
        use crate::catalogue::{Msg, Said};
        match self {
            EmailError::Empty => Said::new(Msg::EmailRequired),
            EmailError::TooLong => Said::with(Msg::EmailTooLong, [MAX_LEN]),
            EmailError::Invalid(raw) => Said::with(Msg::EmailInvalid, [raw]),
            EmailError::NotAscii(raw) => Said::with(Msg::EmailNotAscii, [raw]),
            EmailError::NotMailable(raw) => Said::with(Msg::EmailNotMailable, [raw]),
        }
    }
}

crate::explained!(EmailError);

impl EmailAddress {
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        // Counted as sent, as the API's document counts it (`maxLength`).
        if input.chars().count() > MAX_LEN {
            return Err(EmailError::TooLong);
        }
        // Addresses compare case-insensitively in Rust and in both databases; only ASCII folds
        // the same way everywhere (SQLite's lower() knows nothing else).
        if !trimmed.is_ascii() {
            return Err(EmailError::NotAscii(trimmed.to_owned()));
        }
        // A bare address with a dotted domain: display names ("Ann <a@b.c>") and dotless hosts
        // ("a@localhost") are valid RFC 5322 but never what someone means in a recipient list.
        let options = email_address::Options::default()
            .without_display_text()
            .with_required_tld();
        match email_address::EmailAddress::parse_with_options(trimmed, options) {
            Ok(_) if deliverable_form(trimmed) => Ok(Self(trimmed.to_owned())),
            Ok(_) => Err(EmailError::NotMailable(trimmed.to_owned())),
            Err(_) => Err(EmailError::Invalid(trimmed.to_owned())),
        }
    }

    /// An address read back from the database: checked when it was written, by the rules of
    /// its day (which may have been wider), so never refused for being there. Never for input.
    pub fn stored(address: String) -> Self {
        Self(address)
    }

    /// The lower-cased form under which two addresses are the same.
    pub fn normalized(&self) -> String {
        self.0.to_lowercase()
    }

    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, domain)| domain)
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// The form a recipient list's address takes, narrower than RFC 5322 (which the crate checks):
/// no quoted local part (`"a b"@…`), and a domain of host names' labels (RFC 1123: letters,
/// digits, inner hyphens), never an address literal (`[192.0.2.1]`) or a label with `_`, which
/// no mail exchanger's name has.
fn deliverable_form(address: &str) -> bool {
    let Some((local, domain)) = address.rsplit_once('@') else {
        return false;
    };
    let host_label = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    !local.starts_with('"') && domain.split('.').all(host_label)
}

impl AsRef<str> for EmailAddress {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for EmailAddress {
    type Err = EmailError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl<'de> Deserialize<'de> for EmailAddress {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// An address (or anything shown as one) cut where a line may end when a column is too narrow
/// for it: before the "@" and after each dot, never in the middle of a word.
pub fn line_break_pieces(address: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for (i, c) in address.char_indices() {
        let cut = match c {
            '@' => i,
            '.' => i + 1,
            _ => continue,
        };
        if cut > start && cut < address.len() {
            pieces.push(&address[start..cut]);
            start = cut;
        }
    }
    pieces.push(&address[start..]);
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_address_is_accepted_and_trimmed() {
        let email = EmailAddress::parse("  Ann.Lee@Example.org ").expect("valid");
        assert_eq!(email.as_ref(), "Ann.Lee@Example.org");
        assert_eq!(email.normalized(), "ann.lee@example.org");
        assert_eq!(email.domain(), "Example.org");
    }

    #[test]
    fn the_characters_of_a_dot_atom_and_hyphenated_labels_are_accepted() {
        for good in [
            "o'neil+news@mail-1.example.org",
            "a.b.c@x.io",
            "!#$%&'*/=?^_`{|}~-@example.com",
            "ann@123.example",
        ] {
            assert!(EmailAddress::parse(good).is_ok(), "{good} should be valid");
        }
    }

    #[test]
    fn an_empty_address_is_rejected() {
        assert_eq!(EmailAddress::parse("   "), Err(EmailError::Empty));
    }

    #[test]
    fn addresses_without_an_at_sign_or_a_dotted_domain_are_rejected() {
        for bad in [
            "ann.example.org",
            "ann@",
            "@example.org",
            "ann@localhost",
            "ann@@example.org",
            "ann@-b.example.org",
            "ann@b-.example.org",
            "ann@example..org",
        ] {
            assert!(
                matches!(EmailAddress::parse(bad), Err(EmailError::Invalid(_))),
                "{bad} should be invalid"
            );
        }
    }

    #[test]
    fn an_address_valid_in_rfc_5322_but_not_mailable_says_what_to_change() {
        for odd in [
            "\"ann lee\"@example.org",
            "ann@b_c.example.org",
            "ann@[192.0.2.1]",
        ] {
            let err = EmailAddress::parse(odd).expect_err("refused");
            assert!(matches!(err, EmailError::NotMailable(_)), "{odd}: {err:?}");
            assert!(err.to_string().contains("host name"), "{err}");
        }
    }

    #[test]
    fn an_address_outside_ascii_is_refused_with_a_way_out() {
        let err = EmailAddress::parse("ünal@example.org").expect_err("not ASCII");
        assert!(err.to_string().contains("ASCII (xn--) form"), "{err}");
    }

    #[test]
    fn a_display_name_is_not_an_address() {
        assert!(EmailAddress::parse("Ann <ann@example.org>").is_err());
    }

    #[test]
    fn an_address_longer_than_smtp_allows_is_rejected() {
        let long = format!("{}@example.org", "a".repeat(250));
        assert_eq!(EmailAddress::parse(&long), Err(EmailError::TooLong));
    }

    #[test]
    fn deserializing_checks_the_address() {
        let ok: EmailAddress = serde_json::from_str("\"a@b.io\"").expect("valid");
        assert_eq!(ok.as_ref(), "a@b.io");
        let err = serde_json::from_str::<EmailAddress>("\"nope\"").expect_err("invalid");
        assert!(err.to_string().contains("not a valid email address"));
    }

    #[test]
    fn an_address_breaks_before_the_at_and_after_each_dot_only() {
        assert_eq!(
            line_break_pieces("reject-cy@mail.example.net"),
            ["reject-cy", "@mail.", "example.", "net"]
        );
        assert_eq!(line_break_pieces("nobody"), ["nobody"]);
        assert_eq!(line_break_pieces("trailing."), ["trailing."]);
        assert_eq!(line_break_pieces(""), [""]);
    }
}
