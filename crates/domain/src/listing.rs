//! How lists are ordered: `sort=email` or `sort=-created_at`, from a fixed set per resource (each
//! backed by an index, so deep pages stay fast).

use std::fmt;

/// The fields a resource can be sorted by.
pub trait SortField: Sized + Copy + PartialEq + fmt::Debug + 'static {
    /// Every field with its name in the query string.
    const FIELDS: &'static [(&'static str, Self)];
    /// The order when none is asked for.
    const DEFAULT: Sort<Self>;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort<F> {
    pub field: F,
    pub descending: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortError {
    pub allowed: String,
}

impl crate::catalogue::Explain for SortError {
    fn said(&self) -> crate::catalogue::Said {
        crate::catalogue::Said::with(crate::catalogue::Msg::SortInvalid, [&self.allowed])
    }
}

crate::explained!(SortError);

impl<F: SortField> Sort<F> {
    pub fn parse(raw: Option<&str>) -> Result<Self, SortError> {
        // Exactly one of the documented values: a blank or padded one is refused like any other,
        // so the server takes what the OpenAPI document's enum says and nothing more.
        let Some(raw) = raw else {
            return Ok(F::DEFAULT);
        };
        let (name, descending) = match raw.strip_prefix('-') {
            Some(name) => (name, true),
            None => (raw, false),
        };
        F::FIELDS
            .iter()
            .find(|(field_name, _)| *field_name == name)
            .map(|(_, field)| Sort {
                field: *field,
                descending,
            })
            .ok_or_else(|| SortError {
                allowed: F::FIELDS
                    .iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Field {
        Name,
        CreatedAt,
    }

    impl SortField for Field {
        const FIELDS: &'static [(&'static str, Self)] =
            &[("name", Field::Name), ("created_at", Field::CreatedAt)];
        const DEFAULT: Sort<Self> = Sort {
            field: Field::CreatedAt,
            descending: true,
        };
    }

    #[test]
    fn a_leading_minus_sorts_descending() {
        assert_eq!(
            Sort::<Field>::parse(Some("-name")),
            Ok(Sort {
                field: Field::Name,
                descending: true
            })
        );
        assert_eq!(
            Sort::<Field>::parse(Some("name")),
            Ok(Sort {
                field: Field::Name,
                descending: false
            })
        );
    }

    #[test]
    fn no_sort_gives_the_default() {
        assert_eq!(Sort::<Field>::parse(None), Ok(Field::DEFAULT));
    }

    #[test]
    fn a_blank_or_padded_sort_is_refused_not_taken_for_the_default() {
        for raw in ["", " ", " name", "name ", "-"] {
            assert!(Sort::<Field>::parse(Some(raw)).is_err(), "{raw:?}");
        }
    }

    #[test]
    fn an_unknown_field_names_the_allowed_ones() {
        let err = Sort::<Field>::parse(Some("password")).expect_err("unknown");
        assert_eq!(
            err.to_string(),
            "sort must be one of name, created_at, each optionally preceded by - for descending order"
        );
    }
}
