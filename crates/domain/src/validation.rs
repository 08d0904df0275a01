//! Collects every invalid field of a request, so one answer lists them all.

use crate::catalogue::{Explain, Msg, Said};
use crate::wire::FieldError;

#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps the parsed value, or records the error under `field`.
    pub fn check<T, E: Explain>(&mut self, field: &str, parsed: Result<T, E>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(e) => {
                self.add(field, e.said());
                None
            }
        }
    }

    pub fn add(&mut self, field: &str, said: Said) {
        self.errors.push(FieldError::new(field, said));
    }

    /// The errors, if any field was invalid.
    pub fn finish(self) -> Result<(), Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
    }
}

/// Text a person types as a name or a label: trimmed, not blank, bounded.
pub fn required_text(raw: &str, max_chars: usize) -> Result<String, TextError> {
    let trimmed = raw.trim();
    if trimmed.contains('\0') {
        Err(TextError::Nul)
    } else if trimmed.is_empty() {
        Err(TextError::Blank)
    } else if trimmed.chars().count() > max_chars {
        Err(TextError::TooLong(max_chars))
    } else {
        Ok(trimmed.to_owned())
    }
}

/// Text that may be left empty: trimmed and bounded.
pub fn optional_text(raw: &str, max_chars: usize) -> Result<String, TextError> {
    let trimmed = raw.trim();
    if trimmed.contains('\0') {
        Err(TextError::Nul)
    } else if trimmed.chars().count() > max_chars {
        Err(TextError::TooLong(max_chars))
    } else {
        Ok(trimmed.to_owned())
    }
}

/// Text that ends up in a mail header (a name, a subject): one line. Line breaks and tabs, which a
/// pasted or imported value may hold, fold into one space each run; any other control character
/// is refused, since no person means to type one and a header cannot carry it.
pub fn required_line(raw: &str, max_chars: usize) -> Result<String, TextError> {
    required_text(&one_line(raw)?, max_chars)
}

/// As `required_line`, for a line that may be left empty.
pub fn optional_line(raw: &str, max_chars: usize) -> Result<String, TextError> {
    optional_text(&one_line(raw)?, max_chars)
}

fn one_line(raw: &str) -> Result<String, TextError> {
    let breaks = |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}');
    if raw.contains('\0') {
        return Err(TextError::Nul);
    }
    if raw.chars().any(|c| c.is_control() && !breaks(c)) {
        return Err(TextError::Control);
    }
    if !raw.contains(breaks) {
        return Ok(raw.to_owned());
    }
    let pieces: Vec<&str> = raw
        .split(breaks)
        .map(str::trim)
        .filter(|piece| !piece.is_empty())
        .collect();
    Ok(pieces.join(" "))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextError {
    Blank,
    TooLong(usize),
    /// PostgreSQL cannot store it, and no person means to type it.
    Nul,
    Control,
}

impl Explain for TextError {
    fn said(&self) -> Said {
        match self {
            TextError::Blank => Said::new(Msg::Blank),
            TextError::TooLong(max) => Said::with(Msg::TooLong, [max]),
            TextError::Nul => Said::new(Msg::Nul),
            TextError::Control => Said::new(Msg::Control),
        }
    }
}

crate::explained!(TextError);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EmailAddress;

    #[test]
    fn every_invalid_field_is_reported_at_once() {
        let mut v = Validator::new();
        let email = v.check("email", EmailAddress::parse("nope"));
        let name = v.check("full_name", required_text("  ", 200));
        assert!(email.is_none() && name.is_none());
        let errors = v.finish().expect_err("two invalid fields");
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["email", "full_name"]);
        assert_eq!(errors[1].message, "must not be blank");
    }

    #[test]
    fn a_nul_character_is_refused_in_any_text() {
        assert_eq!(required_text("a\0b", 10), Err(TextError::Nul));
        assert_eq!(optional_text("a\0b", 10), Err(TextError::Nul));
    }

    #[test]
    fn a_line_folds_its_line_breaks_and_tabs_into_single_spaces() {
        assert_eq!(
            required_line("Line one\r\n  Line two\n", 200),
            Ok("Line one Line two".into())
        );
        assert_eq!(optional_line("Ann\tLee", 200), Ok("Ann Lee".into()));
        assert_eq!(optional_line("Ann\u{2028}Lee", 200), Ok("Ann Lee".into()));
        assert_eq!(optional_line("\n\n", 200), Ok(String::new()));
        assert_eq!(required_line("\r\n", 200), Err(TextError::Blank));
        assert_eq!(required_line("Ann Lee", 200), Ok("Ann Lee".into()));
    }

    #[test]
    fn a_line_refuses_other_control_characters() {
        assert_eq!(required_line("Ann\u{1b}[31m", 200), Err(TextError::Control));
        assert_eq!(optional_line("bell\u{7}", 200), Err(TextError::Control));
        assert_eq!(optional_line("a\0b", 200), Err(TextError::Nul));
    }

    #[test]
    fn text_is_trimmed_and_bounded_by_characters() {
        assert_eq!(required_text("  Ann Lee ", 200), Ok("Ann Lee".into()));
        assert_eq!(required_text("Анна", 4), Ok("Анна".into()));
        assert_eq!(required_text("Анна!", 4), Err(TextError::TooLong(4)));
    }
}
