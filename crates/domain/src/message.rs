//! A message: the subject and body a mailing sends.

use crate::listing::{Sort, SortField};
use crate::template::placeholders;
use crate::validation::{Validator, required_line, required_text};
use crate::wire::FieldError;

pub const MAX_SUBJECT_CHARS: usize = 300;
pub const MAX_BODY_CHARS: usize = 100_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageFields {
    pub subject: String,
    pub body: String,
}

impl MessageFields {
    pub fn parse(subject: &str, body: &str) -> Result<Self, Vec<FieldError>> {
        let mut v = Validator::new();
        let subject = v
            .check("subject", required_line(subject, MAX_SUBJECT_CHARS))
            .and_then(|s| v.check("subject", placeholders(&s).map(|_| ())).map(|()| s));
        // The body keeps its inner layout; only surrounding blank space goes.
        let body = v
            .check("body", required_text(body, MAX_BODY_CHARS))
            .and_then(|b| v.check("body", placeholders(&b).map(|_| ())).map(|()| b));
        v.finish()?;
        match (subject, body) {
            (Some(subject), Some(body)) => Ok(Self { subject, body }),
            _ => Err(Vec::new()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageSort {
    CreatedAt,
    UpdatedAt,
    Subject,
}

impl SortField for MessageSort {
    const FIELDS: &'static [(&'static str, Self)] = &[
        ("created_at", MessageSort::CreatedAt),
        ("updated_at", MessageSort::UpdatedAt),
        ("subject", MessageSort::Subject),
    ];
    const DEFAULT: Sort<Self> = Sort {
        field: MessageSort::CreatedAt,
        descending: true,
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_needs_a_subject_and_a_body_with_known_placeholders() {
        let ok =
            MessageFields::parse(" Hi {{full_name}} ", "Dear {{email}}\n\nNews.").expect("valid");
        assert_eq!(ok.subject, "Hi {{full_name}}");
        let errors = MessageFields::parse("", "Hello {{name}}").expect_err("invalid");
        let fields: Vec<_> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.message.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                ("subject", "must not be blank"),
                (
                    "body",
                    "unknown placeholder {{name}}; the known ones are {{full_name}}, {{email}} and \
                     {{unsubscribe_url}}"
                ),
            ]
        );
    }

    #[test]
    fn a_subject_is_one_line() {
        let ok = MessageFields::parse("News\nfor you", "Body").expect("valid");
        assert_eq!(ok.subject, "News for you");
    }
}
