//! A message: the subject and body a mailing sends, and how its body is written.

use serde::{Deserialize, Serialize};

use crate::listing::{Sort, SortField};
use crate::template::placeholders;
use crate::validation::{Validator, required_line, required_text};
use crate::wire::FieldError;

pub const MAX_SUBJECT_CHARS: usize = 300;
pub const MAX_BODY_CHARS: usize = 100_000;

/// How a message's body is written: plain text (sent as it is), Markdown or HTML (sent as HTML
/// with a plain-text part beside it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)
)]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum MessageFormat {
    #[default]
    Text,
    Markdown,
    Html,
}

crate::text_enum!(MessageFormat {
    Text => "text",
    Markdown => "markdown",
    Html => "html",
});

impl MessageFormat {
    /// The format a request names (none: plain text), or why it names none.
    pub fn parse(name: Option<&str>) -> Result<Self, crate::catalogue::Said> {
        match name {
            None => Ok(Self::Text),
            Some(name) => name.parse().map_err(|_| {
                crate::catalogue::Said::with(crate::catalogue::Msg::FormatUnknown, [name])
            }),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageFields {
    pub subject: String,
    pub body: String,
    pub format: MessageFormat,
}

impl MessageFields {
    pub fn parse(subject: &str, body: &str, format: Option<&str>) -> Result<Self, Vec<FieldError>> {
        let mut v = Validator::new();
        let format = v.check("format", MessageFormat::parse(format));
        let subject = v
            .check("subject", required_line(subject, MAX_SUBJECT_CHARS))
            .and_then(|s| v.check("subject", placeholders(&s).map(|_| ())).map(|()| s));
        // The body keeps its inner layout; only surrounding blank space goes.
        let body = v
            .check("body", required_text(body, MAX_BODY_CHARS))
            .and_then(|b| v.check("body", placeholders(&b).map(|_| ())).map(|()| b));
        v.finish()?;
        match (subject, body, format) {
            (Some(subject), Some(body), Some(format)) => Ok(Self {
                subject,
                body,
                format,
            }),
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
        let ok = MessageFields::parse(" Hi {{full_name}} ", "Dear {{email}}\n\nNews.", None)
            .expect("valid");
        assert_eq!(ok.subject, "Hi {{full_name}}");
        assert_eq!(ok.format, MessageFormat::Text);
        let errors = MessageFields::parse("", "Hello {{name}}", None).expect_err("invalid");
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
        let ok = MessageFields::parse("News\nfor you", "Body", None).expect("valid");
        assert_eq!(ok.subject, "News for you");
    }

    #[test]
    fn a_format_is_text_markdown_or_html_and_an_unknown_one_is_named() {
        for (name, format) in [
            ("text", MessageFormat::Text),
            ("markdown", MessageFormat::Markdown),
            ("html", MessageFormat::Html),
        ] {
            let fields = MessageFields::parse("Hi", "Body", Some(name)).expect("valid");
            assert_eq!(fields.format, format);
        }
        let errors = MessageFields::parse("Hi", "Body", Some("rtf")).expect_err("invalid");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "format");
        assert_eq!(
            errors[0].message,
            "'rtf' is not a format; use text, markdown or html"
        );
    }
}
