//! A recipient kept by one owner.

use crate::EmailAddress;
use crate::listing::{Sort, SortField};
use crate::validation::{TextError, Validator, optional_line, optional_text};
use crate::wire::FieldError;

pub const MAX_FULL_NAME_CHARS: usize = 200;
pub const MAX_COMMENT_CHARS: usize = 2000;

/// A client's fields, each valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientFields {
    pub email: EmailAddress,
    pub full_name: String,
    pub comment: String,
}

/// A client's name goes into the `To:` header of every mail: one line.
pub fn full_name(raw: &str) -> Result<String, TextError> {
    optional_line(raw, MAX_FULL_NAME_CHARS)
}

pub fn comment(raw: &str) -> Result<String, TextError> {
    optional_text(raw, MAX_COMMENT_CHARS)
}

impl ClientFields {
    /// Checks every field, reporting all that are invalid.
    pub fn parse(
        email: &str,
        full_name_raw: &str,
        comment_raw: &str,
    ) -> Result<Self, Vec<FieldError>> {
        let mut v = Validator::new();
        let email = v.check("email", EmailAddress::parse(email));
        let full_name = v.check("full_name", full_name(full_name_raw));
        let comment = v.check("comment", comment(comment_raw));
        v.finish()?;
        match (email, full_name, comment) {
            (Some(email), Some(full_name), Some(comment)) => Ok(Self {
                email,
                full_name,
                comment,
            }),
            _ => Err(Vec::new()),
        }
    }

    /// The stored fields with those sent replaced: only what is sent is checked, so a client
    /// written under older rules can still have its name or tags changed.
    pub fn patch(
        self,
        email: Option<&str>,
        full_name_raw: Option<&str>,
        comment_raw: Option<&str>,
    ) -> Result<Self, Vec<FieldError>> {
        let mut v = Validator::new();
        let email = email.and_then(|raw| v.check("email", EmailAddress::parse(raw)));
        let full_name = full_name_raw.and_then(|raw| v.check("full_name", full_name(raw)));
        let comment = comment_raw.and_then(|raw| v.check("comment", comment(raw)));
        v.finish()?;
        Ok(Self {
            email: email.unwrap_or(self.email),
            full_name: full_name.unwrap_or(self.full_name),
            comment: comment.unwrap_or(self.comment),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientSort {
    CreatedAt,
    UpdatedAt,
    Email,
    FullName,
}

impl SortField for ClientSort {
    const FIELDS: &'static [(&'static str, Self)] = &[
        ("created_at", ClientSort::CreatedAt),
        ("updated_at", ClientSort::UpdatedAt),
        ("email", ClientSort::Email),
        ("full_name", ClientSort::FullName),
    ];
    const DEFAULT: Sort<Self> = Sort {
        field: ClientSort::CreatedAt,
        descending: true,
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_needs_only_a_valid_address() {
        let client = ClientFields::parse(" bob@example.org ", "", "").expect("valid");
        assert_eq!(client.email.as_ref(), "bob@example.org");
        assert_eq!(
            (client.full_name.as_str(), client.comment.as_str()),
            ("", "")
        );
    }

    #[test]
    fn a_name_is_one_line_and_a_comment_keeps_its_lines() {
        let client = ClientFields::parse("bob@example.org", "Line one\nLine two", "first\nsecond")
            .expect("valid");
        assert_eq!(client.full_name, "Line one Line two");
        assert_eq!(client.comment, "first\nsecond");
        let errors = ClientFields::parse("bob@example.org", "Bob\u{1b}", "").expect_err("invalid");
        assert_eq!(errors[0].field, "full_name");
    }

    #[test]
    fn every_invalid_field_is_reported() {
        let errors =
            ClientFields::parse("nope", &"n".repeat(201), &"c".repeat(2001)).expect_err("invalid");
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["email", "full_name", "comment"]);
    }
}
