//! Placeholders in a message's subject and body: `{{full_name}}`, `{{email}}` and
//! `{{unsubscribe_url}}`, filled in for each client when the mailing is sent.

pub const PLACEHOLDERS: &[&str] = &["full_name", "email", "unsubscribe_url"];

/// Whom a preview is addressed to when no client is chosen: the same in the web app's own
/// preview of plain text and in the server's of Markdown and HTML.
pub const EXAMPLE_NAME: &str = "Ann Lee";
pub const EXAMPLE_EMAIL: &str = "ann@example.org";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateError {
    Unknown(String),
    Unclosed,
}

impl crate::catalogue::Explain for TemplateError {
    fn said(&self) -> crate::catalogue::Said {
        use crate::catalogue::{Msg, Said};
        match self {
            TemplateError::Unknown(name) => Said::with(Msg::PlaceholderUnknown, [name]),
            TemplateError::Unclosed => Said::new(Msg::PlaceholderUnclosed),
        }
    }
}

crate::explained!(TemplateError);

/// The placeholders `text` uses, in order, or the first problem with them.
pub fn placeholders(text: &str) -> Result<Vec<&str>, TemplateError> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let end = after.find("}}").ok_or(TemplateError::Unclosed)?;
        let name = after[..end].trim();
        if !PLACEHOLDERS.contains(&name) {
            return Err(TemplateError::Unknown(name.to_owned()));
        }
        found.push(name);
        rest = &after[end + 2..];
    }
    Ok(found)
}

/// Fills every placeholder with its value from `values` (name, value).
pub fn render(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        let name = after[..end].trim();
        out.push_str(&rest[..start]);
        match values.iter().find(|(n, _)| *n == name) {
            Some((_, value)) => out.push_str(value),
            None => out.push_str(&rest[start..start + 2 + end + 2]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_placeholders_are_found_with_or_without_spaces() {
        assert_eq!(
            placeholders("Hi {{full_name}}, {{ email }}!"),
            Ok(vec!["full_name", "email"])
        );
        assert_eq!(placeholders("no placeholders"), Ok(vec![]));
    }

    #[test]
    fn an_unknown_placeholder_is_named() {
        let err = placeholders("Hello {{first_name}}").expect_err("unknown");
        assert_eq!(err, TemplateError::Unknown("first_name".into()));
        assert_eq!(
            err.to_string(),
            "unknown placeholder {{first_name}}; the known ones are {{full_name}}, {{email}} and {{unsubscribe_url}}"
        );
        assert_eq!(
            placeholders("Hello {{full_name"),
            Err(TemplateError::Unclosed)
        );
    }

    #[test]
    fn rendering_fills_each_placeholder() {
        let out = render(
            "Dear {{ full_name }} <{{email}}>",
            &[("full_name", "Ann"), ("email", "a@b.io")],
        );
        assert_eq!(out, "Dear Ann <a@b.io>");
    }
}
