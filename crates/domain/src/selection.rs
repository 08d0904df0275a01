//! Which clients a request means (a list's filter, a bulk change's), and what a bulk change does.

use crate::tag::{MAX_TAGS_PER_CLIENT, TagError, TagFilter, TagName, split_list, tags_named};
use crate::validation::Validator;
use crate::wire::{BulkClientsRequest, ClientFilter, FieldError};

/// The most ids one filter may list: more are a whole segment, which tags express.
pub const MAX_FILTER_IDS: usize = 10_000;

/// A filter, parsed: every condition holds for each client it selects.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientSelection {
    /// The search text, trimmed; none when blank.
    pub search: Option<String>,
    pub tags: TagFilter,
    /// Only these clients, when given (each once, in order).
    pub ids: Option<Vec<i64>>,
}

impl ClientSelection {
    /// A filter sent as JSON; errors are named `prefix` + the field (`filter.tags_any`).
    pub fn parse(v: &mut Validator, prefix: &str, filter: &ClientFilter) -> Option<Self> {
        let tags = TagFilter::parse(
            v,
            prefix,
            &filter.tags_any,
            &filter.tags_all,
            &filter.exclude_tags,
        );
        let ids = match &filter.ids {
            Some(ids) if ids.len() > MAX_FILTER_IDS => {
                let said = crate::catalogue::Said::with(
                    crate::catalogue::Msg::IdsTooMany,
                    [MAX_FILTER_IDS],
                );
                v.add(&format!("{prefix}ids"), said);
                None
            }
            Some(ids) => {
                let mut unique = ids.clone();
                unique.sort_unstable();
                unique.dedup();
                Some(Some(unique))
            }
            None => Some(None),
        };
        Some(Self {
            search: filter
                .q
                .as_deref()
                .map(str::trim)
                .filter(|q| !q.is_empty())
                .map(str::to_owned),
            tags: tags?,
            ids: ids?,
        })
    }

    /// A filter sent as query parameters, each list comma-separated (`tags_any=vip,fair`).
    pub fn from_query(v: &mut Validator, query: &FilterQuery<'_>) -> Option<Self> {
        let list = |raw: Option<&str>| {
            raw.map(split_list)
                .unwrap_or_default()
                .into_iter()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        // Counted as sent, blanks too, as the document's pattern counts them.
        let lists = [
            ("tags_any", query.tags_any),
            ("tags_all", query.tags_all),
            ("exclude_tags", query.exclude_tags),
        ];
        for (field, raw) in lists {
            if raw.is_some_and(|raw| raw.split(',').count() > MAX_TAGS_PER_CLIENT) {
                v.add(
                    field,
                    crate::catalogue::Explain::said(&TagError::TooManyAtOnce),
                );
                return None;
            }
        }
        let ids = match query.ids {
            None => None,
            // Counted as sent, blanks too, as the document's pattern counts them.
            Some(raw) if raw.split(',').count() > MAX_FILTER_IDS => {
                v.add(
                    "ids",
                    crate::catalogue::Said::with(
                        crate::catalogue::Msg::IdsTooMany,
                        [MAX_FILTER_IDS],
                    ),
                );
                return None;
            }
            Some(raw) => {
                let items = split_list(raw);
                let parsed: Result<Vec<i64>, _> = items.iter().map(|i| i.parse::<i64>()).collect();
                match parsed {
                    Ok(ids) => Some(ids),
                    Err(_) => {
                        v.add(
                            "ids",
                            crate::catalogue::Said::new(crate::catalogue::Msg::IdsNotNumbers),
                        );
                        return None;
                    }
                }
            }
        };
        let filter = ClientFilter {
            q: query.q.map(str::to_owned),
            tags_any: list(query.tags_any),
            tags_all: list(query.tags_all),
            exclude_tags: list(query.exclude_tags),
            ids,
        };
        Self::parse(v, "", &filter)
    }
}

/// A filter's query parameters as they arrived.
#[derive(Debug, Clone, Copy, Default)]
pub struct FilterQuery<'a> {
    pub q: Option<&'a str>,
    pub tags_any: Option<&'a str>,
    pub tags_all: Option<&'a str>,
    pub exclude_tags: Option<&'a str>,
    pub ids: Option<&'a str>,
}

/// What a bulk change does to the clients it selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BulkAction {
    /// Adds and removes tags; a tag is never in both lists.
    Tag {
        add: Vec<TagName>,
        remove: Vec<TagName>,
    },
    Delete,
}

/// A bulk change, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkChange {
    pub selection: ClientSelection,
    pub action: BulkAction,
}

impl BulkChange {
    pub fn parse(request: &BulkClientsRequest) -> Result<Self, Vec<FieldError>> {
        let mut v = Validator::new();
        let selection = ClientSelection::parse(&mut v, "filter.", &request.filter);
        let add = v.check("add_tags", tags_named(&request.add_tags));
        let remove = v.check("remove_tags", tags_named(&request.remove_tags));
        let action = match (add, remove) {
            (Some(add), Some(remove)) => action(&mut v, request.delete, add, remove),
            _ => None,
        };
        v.finish()?;
        match (selection, action) {
            (Some(selection), Some(action)) => Ok(Self { selection, action }),
            _ => Err(Vec::new()),
        }
    }
}

fn action(
    v: &mut Validator,
    delete: bool,
    add: Vec<TagName>,
    remove: Vec<TagName>,
) -> Option<BulkAction> {
    let tagging = !add.is_empty() || !remove.is_empty();
    if delete && tagging {
        v.add(
            "delete",
            crate::catalogue::Said::new(crate::catalogue::Msg::DeleteOrTag),
        );
        return None;
    }
    if delete {
        return Some(BulkAction::Delete);
    }
    if !tagging {
        v.add(
            "add_tags",
            crate::catalogue::Said::new(crate::catalogue::Msg::NothingToChange),
        );
        return None;
    }
    if let Some(both) = add
        .iter()
        .find(|a| remove.iter().any(|r| r.key() == a.key()))
    {
        v.add(
            "remove_tags",
            crate::catalogue::Said::with(crate::catalogue::Msg::AddedAndRemoved, [both.as_ref()]),
        );
        return None;
    }
    Some(BulkAction::Tag { add, remove })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(value: serde_json::Value) -> BulkClientsRequest {
        serde_json::from_value(value).expect("a request")
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn a_bulk_change_adds_and_removes_tags_of_the_clients_its_filter_selects() {
        let change = BulkChange::parse(&request(serde_json::json!({
            "filter": {"q": "  example ", "tags_any": ["Fair"], "ids": [3, 1, 3]},
            "add_tags": ["customer", "Customer"], "remove_tags": ["lead"]
        })))
        .expect("valid");
        assert_eq!(change.selection.search.as_deref(), Some("example"));
        assert_eq!(change.selection.ids, Some(vec![1, 3]));
        let BulkAction::Tag { add, remove } = change.action else {
            panic!("a tag change")
        };
        assert_eq!((add.len(), remove.len()), (1, 1));
    }

    #[test]
    fn an_empty_filter_selects_everyone_and_delete_stands_alone() {
        let change = BulkChange::parse(&request(serde_json::json!({
            "filter": {}, "delete": true
        })))
        .expect("valid");
        assert_eq!(change.selection, ClientSelection::default());
        assert_eq!(change.action, BulkAction::Delete);
        let errors = BulkChange::parse(&request(serde_json::json!({
            "filter": {}, "delete": true, "add_tags": ["x"]
        })))
        .expect_err("both");
        assert_eq!(fields(&errors), ["delete"]);
    }

    #[test]
    fn a_bulk_change_that_does_nothing_or_contradicts_itself_is_refused() {
        let nothing = BulkChange::parse(&request(serde_json::json!({"filter": {}})));
        assert_eq!(fields(&nothing.expect_err("nothing")), ["add_tags"]);
        let both = BulkChange::parse(&request(serde_json::json!({
            "filter": {}, "add_tags": ["VIP"], "remove_tags": ["vip"]
        })));
        let both = both.expect_err("contradiction");
        assert_eq!(both[0].message, "'VIP' is both added and removed");
    }

    #[test]
    fn every_bad_part_of_a_bulk_change_is_reported() {
        let ids: Vec<i64> = (0..10_001).collect();
        let errors = BulkChange::parse(&request(serde_json::json!({
            "filter": {"tags_all": [""], "ids": ids}, "add_tags": ["a,b"]
        })))
        .expect_err("invalid");
        assert_eq!(
            fields(&errors),
            ["filter.tags_all", "filter.ids", "add_tags"]
        );
    }

    #[test]
    fn query_parameters_carry_lists_separated_by_commas() {
        let mut v = Validator::new();
        let selection = ClientSelection::from_query(
            &mut v,
            &FilterQuery {
                tags_any: Some("vip, fair"),
                exclude_tags: Some("churned"),
                ids: Some("7,5"),
                ..FilterQuery::default()
            },
        )
        .expect("valid");
        assert_eq!(selection.tags.tags_any.len(), 2);
        assert_eq!(selection.tags.exclude_tags.len(), 1);
        assert_eq!(selection.ids, Some(vec![5, 7]));
        let mut v = Validator::new();
        let bad = ClientSelection::from_query(
            &mut v,
            &FilterQuery {
                ids: Some("7,x"),
                ..FilterQuery::default()
            },
        );
        assert_eq!(bad, None);
        assert_eq!(fields(&v.finish().expect_err("invalid")), ["ids"]);
    }

    #[test]
    fn a_query_lists_at_most_ten_thousand_ids_counted_as_sent() {
        let parse = |ids: &str| {
            let mut v = Validator::new();
            let query = FilterQuery {
                ids: Some(ids),
                ..FilterQuery::default()
            };
            ClientSelection::from_query(&mut v, &query).map(|s| s.ids)
        };
        let ten_thousand = vec!["1"; MAX_FILTER_IDS].join(",");
        assert_eq!(parse(&ten_thousand), Some(Some(vec![1])));
        assert_eq!(
            parse(&format!("{ten_thousand},")),
            None,
            "a blank item counts"
        );
    }

    #[test]
    fn a_query_names_at_most_fifty_tags_a_list_counted_as_sent() {
        let parse = |tags: &str| {
            let mut v = Validator::new();
            let query = FilterQuery {
                tags_all: Some(tags),
                ..FilterQuery::default()
            };
            let parsed = ClientSelection::from_query(&mut v, &query).map(|s| s.tags.tags_all.len());
            (parsed, v.finish().err())
        };
        let fifty = vec!["t"; MAX_TAGS_PER_CLIENT].join(",");
        assert_eq!(parse(&fifty).0, Some(1));
        let (parsed, errors) = parse(&format!("{fifty},"));
        assert_eq!(parsed, None, "a blank item counts");
        assert_eq!(fields(&errors.expect("an error")), ["tags_all"]);
    }
}
