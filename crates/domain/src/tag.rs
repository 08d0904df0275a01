//! Tags: the names an owner groups clients by, and the segments made of them.
//!
//! A tag is one line of 1–50 characters, trimmed, without commas (a CSV file lists a client's tags
//! comma-separated in one field). Tags compare without regard to case: "VIP" and "vip" are one tag,
//! written as it was first written.

use std::collections::BTreeSet;

use crate::validation::{TextError, Validator, required_line};

pub const MAX_TAG_CHARS: usize = 50;
pub const MAX_TAGS_PER_CLIENT: usize = 50;

/// The key of a tag named `name` (see [`TagName::key`]), for names already stored.
pub fn key_of(name: &str) -> String {
    name.to_lowercase()
}

/// A valid tag name, as written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TagName(String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagError {
    Text(TextError),
    Comma(String),
    TooMany,
    TooManyAtOnce,
}

impl crate::catalogue::Explain for TagError {
    fn said(&self) -> crate::catalogue::Said {
        use crate::catalogue::{Msg, Said};
        match self {
            TagError::Text(TextError::Blank) => Said::new(Msg::TagBlank),
            TagError::Text(TextError::TooLong(max)) => Said::with(Msg::TagTooLong, [max]),
            TagError::Text(TextError::Nul) => Said::new(Msg::TagNul),
            TagError::Text(TextError::Control) => Said::new(Msg::TagControl),
            TagError::Comma(raw) => Said::with(Msg::TagComma, [raw]),
            TagError::TooMany => Said::with(Msg::TooManyTags, [MAX_TAGS_PER_CLIENT]),
            TagError::TooManyAtOnce => Said::with(Msg::TooManyTagsAtOnce, [MAX_TAGS_PER_CLIENT]),
        }
    }
}

crate::explained!(TagError);

impl TagName {
    pub fn parse(raw: &str) -> Result<Self, TagError> {
        let name = required_line(raw, MAX_TAG_CHARS).map_err(TagError::Text)?;
        if name.contains(',') {
            return Err(TagError::Comma(name));
        }
        Ok(Self(name))
    }

    /// What two spellings of one tag share: its name in lower case.
    pub fn key(&self) -> String {
        key_of(&self.0)
    }
}

impl AsRef<str> for TagName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

fn unique<S: AsRef<str>>(raw: &[S]) -> Result<Vec<TagName>, TagError> {
    let mut seen = BTreeSet::new();
    let mut tags = Vec::new();
    for raw in raw {
        let tag = TagName::parse(raw.as_ref())?;
        if seen.insert(tag.key()) {
            tags.push(tag);
        }
    }
    Ok(tags)
}

/// A client's tags: each valid, each once (the first spelling kept), in the order given. At most
/// [`MAX_TAGS_PER_CLIENT`] are sent: the list as sent is counted, repeats too, as the API's
/// document states it (`maxItems`) and a client generated from it checks.
pub fn tag_list<S: AsRef<str>>(raw: &[S]) -> Result<Vec<TagName>, TagError> {
    if raw.len() > MAX_TAGS_PER_CLIENT {
        return Err(TagError::TooMany);
    }
    unique(raw)
}

/// Tags a request names at once (a filter's condition, a bulk change): the same rules as a
/// client's own, the limit worded for a request.
pub fn tags_named<S: AsRef<str>>(raw: &[S]) -> Result<Vec<TagName>, TagError> {
    if raw.len() > MAX_TAGS_PER_CLIENT {
        return Err(TagError::TooManyAtOnce);
    }
    unique(raw)
}

/// A comma-separated list, as a query string carries one: `vip,fair`. Empty items are skipped.
pub fn split_list(raw: &str) -> Vec<&str> {
    raw.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect()
}

/// Which clients a segment holds, by their tags: any of `tags_any` (when given), all of
/// `tags_all`, none of `exclude_tags`. No condition at all holds every client.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagFilter {
    pub tags_any: Vec<TagName>,
    pub tags_all: Vec<TagName>,
    pub exclude_tags: Vec<TagName>,
}

impl TagFilter {
    /// The three conditions, each checked; errors name `prefix` + the condition (`tags_any`…).
    pub fn parse<S: AsRef<str>>(
        v: &mut Validator,
        prefix: &str,
        tags_any: &[S],
        tags_all: &[S],
        exclude_tags: &[S],
    ) -> Option<Self> {
        let any = v.check(&format!("{prefix}tags_any"), tags_named(tags_any));
        let all = v.check(&format!("{prefix}tags_all"), tags_named(tags_all));
        let exclude = v.check(&format!("{prefix}exclude_tags"), tags_named(exclude_tags));
        Some(Self {
            tags_any: any?,
            tags_all: all?,
            exclude_tags: exclude?,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.tags_any.is_empty() && self.tags_all.is_empty() && self.exclude_tags.is_empty()
    }

    /// Whether a client with `tags` is in the segment. The database answers the same question
    /// for a whole list at once; this is the rule it follows.
    pub fn holds(&self, tags: &[TagName]) -> bool {
        let keys: BTreeSet<String> = tags.iter().map(TagName::key).collect();
        let has = |t: &TagName| keys.contains(&t.key());
        (self.tags_any.is_empty() || self.tags_any.iter().any(has))
            && self.tags_all.iter().all(has)
            && !self.exclude_tags.iter().any(has)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(names: &[&str]) -> Vec<TagName> {
        tag_list(names).expect("valid tags")
    }

    #[test]
    fn a_tag_is_trimmed_one_line_and_compared_without_case() {
        let tag = TagName::parse("  Winter  Fair ").expect("valid");
        assert_eq!(tag.as_ref(), "Winter  Fair");
        assert_eq!(
            TagName::parse("VIP").expect("valid").key(),
            TagName::parse("vip").expect("valid").key()
        );
        assert_eq!(
            TagName::parse("two\nlines").expect("valid").as_ref(),
            "two lines"
        );
    }

    #[test]
    fn a_blank_long_or_comma_tag_is_refused() {
        assert_eq!(TagName::parse("   "), Err(TagError::Text(TextError::Blank)));
        assert_eq!(
            TagName::parse(&"x".repeat(51)),
            Err(TagError::Text(TextError::TooLong(50)))
        );
        assert!(
            TagName::parse(&"я".repeat(50)).is_ok(),
            "characters, not bytes"
        );
        assert_eq!(TagName::parse("a,b"), Err(TagError::Comma("a,b".into())));
    }

    #[test]
    fn a_clients_tags_are_kept_once_each_in_their_first_spelling_and_at_most_fifty_are_sent() {
        let list = tags(&["VIP", "fair", "vip", " Fair "]);
        let names: Vec<&str> = list.iter().map(AsRef::as_ref).collect();
        assert_eq!(names, ["VIP", "fair"]);
        let fifty: Vec<String> = (0..50).map(|n| format!("t{n}")).collect();
        assert_eq!(tag_list(&fifty).map(|t| t.len()), Ok(50));
        let mut fifty_one = fifty.clone();
        fifty_one.push("one more".into());
        assert_eq!(tag_list(&fifty_one), Err(TagError::TooMany));
        // Fifty-one sent are too many even when one repeats another.
        fifty_one.pop();
        fifty_one.push("T0".into());
        assert_eq!(tag_list(&fifty_one), Err(TagError::TooMany));
        let repeated = vec!["t"; 50];
        assert_eq!(tag_list(&repeated).map(|t| t.len()), Ok(1));
    }

    #[test]
    fn a_segment_holds_any_of_its_any_tags_all_of_its_all_tags_and_none_excluded() {
        let filter = TagFilter {
            tags_any: tags(&["fair", "web"]),
            tags_all: tags(&["customer"]),
            exclude_tags: tags(&["churned"]),
        };
        assert!(filter.holds(&tags(&["Customer", "FAIR"])));
        assert!(filter.holds(&tags(&["customer", "web", "vip"])));
        assert!(!filter.holds(&tags(&["customer"])), "none of the any tags");
        assert!(!filter.holds(&tags(&["fair"])), "not all of the all tags");
        assert!(
            !filter.holds(&tags(&["customer", "fair", "churned"])),
            "an excluded tag wins"
        );
    }

    #[test]
    fn a_filter_reports_each_bad_condition_under_its_own_name() {
        let mut v = Validator::new();
        let many: Vec<String> = (0..51).map(|n| format!("t{n}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(
            TagFilter::parse(&mut v, "filter.", &["ok"], &["a,b"], &many),
            None
        );
        let errors = v.finish().expect_err("invalid");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["filter.tags_all", "filter.exclude_tags"]);
        assert_eq!(
            errors[1].message,
            "name at most 50 tags at once (every item counts, repeats too)"
        );
    }

    #[test]
    fn a_query_string_list_is_split_on_commas_and_blank_items_dropped() {
        assert_eq!(split_list(" vip, fair ,,"), ["vip", "fair"]);
        assert!(split_list("").is_empty());
    }

    #[test]
    fn a_segment_without_conditions_holds_everyone_and_exclusion_alone_narrows_it() {
        assert!(TagFilter::default().holds(&[]));
        assert!(TagFilter::default().holds(&tags(&["anything"])));
        let not_churned = TagFilter {
            exclude_tags: tags(&["churned"]),
            ..TagFilter::default()
        };
        assert!(not_churned.holds(&[]));
        assert!(!not_churned.holds(&tags(&["Churned"])));
    }
}
