//! Collects every invalid field of a request, so one answer lists them all.

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
    pub fn check<T, E: std::fmt::Display>(
        &mut self,
        field: &str,
        parsed: Result<T, E>,
    ) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(e) => {
                self.add(field, e.to_string());
                None
            }
        }
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.to_owned(),
            message: message.into(),
        });
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

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("must not be blank")]
    Blank,
    #[error("may have at most {0} characters")]
    TooLong(usize),
    /// PostgreSQL cannot store it, and no person means to type it.
    #[error("must not contain a NUL character")]
    Nul,
}

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
    fn text_is_trimmed_and_bounded_by_characters() {
        assert_eq!(required_text("  Ann Lee ", 200), Ok("Ann Lee".into()));
        assert_eq!(required_text("Анна", 4), Ok("Анна".into()));
        assert_eq!(required_text("Анна!", 4), Err(TextError::TooLong(4)));
    }
}
