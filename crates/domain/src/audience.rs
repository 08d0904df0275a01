//! Who a mailing goes to: every client of its owner, a segment by tags, or chosen clients.
//!
//! A segment is a rule, not a list: it is evaluated each time a run is queued, so a client tagged
//! after the mailing was made is in its next run. Unsubscribed clients never receive a run.

use serde::{Deserialize, Serialize};

use crate::tag::TagFilter;
use crate::validation::Validator;
use crate::wire;

/// How many clients one explicit audience may list.
pub const MAX_CLIENTS: usize = 200_000;

/// The kind of an audience, as stored in `mailings.audience`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)
)]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum AudienceKind {
    All,
    Segment,
    Clients,
}

crate::text_enum!(AudienceKind {
    All => "all",
    Segment => "segment",
    Clients => "clients",
});

/// Which condition of a segment a stored tag belongs to (`mailing_tags.rule`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)
)]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum TagRule {
    Any,
    All,
    Exclude,
}

crate::text_enum!(TagRule {
    Any => "any",
    All => "all",
    Exclude => "exclude",
});

/// An audience, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    All,
    /// At least one condition.
    Segment(TagFilter),
    /// The chosen clients, each once, in id order.
    Clients(Vec<i64>),
}

impl Audience {
    pub fn kind(&self) -> AudienceKind {
        match self {
            Audience::All => AudienceKind::All,
            Audience::Segment(_) => AudienceKind::Segment,
            Audience::Clients(_) => AudienceKind::Clients,
        }
    }

    /// The audience a request names, with `client_ids` sent alone meaning chosen clients (as
    /// before audiences existed). `keep` is the mailing's audience as it is (none for a new
    /// mailing): what a request naming no audience keeps, and whose clients an audience of kind
    /// `clients` without ids keeps. Errors are recorded under `audience` or `client_ids`.
    pub fn parse(
        v: &mut Validator,
        audience: Option<&wire::Audience>,
        client_ids: Option<&[i64]>,
        keep: Option<&Audience>,
    ) -> Option<Self> {
        let kept_ids = || match keep {
            Some(Audience::Clients(ids)) => Some(ids.clone()),
            _ => None,
        };
        let chosen = match (audience, client_ids) {
            (
                Some(wire::Audience::Clients {
                    client_ids: Some(_),
                }),
                Some(_),
            ) => {
                v.add(
                    "client_ids",
                    crate::catalogue::Said::new(crate::catalogue::Msg::ClientsTwice),
                );
                return None;
            }
            (Some(wire::Audience::Clients { client_ids: ids }), alone) => ids
                .as_deref()
                .or(alone)
                .map(<[i64]>::to_vec)
                .or_else(kept_ids),
            (Some(_), Some(_)) => {
                v.add(
                    "client_ids",
                    crate::catalogue::Said::new(
                        crate::catalogue::Msg::ClientsOnlyInClientsAudience,
                    ),
                );
                return None;
            }
            (Some(wire::Audience::All), None) => return Some(Audience::All),
            (
                Some(wire::Audience::Segment {
                    tags_any,
                    tags_all,
                    exclude_tags,
                }),
                None,
            ) => return segment(v, tags_any, tags_all, exclude_tags),
            (None, Some(ids)) => Some(ids.to_vec()),
            (None, None) => match keep {
                Some(kept) => return Some(kept.clone()),
                None => {
                    v.add(
                        "audience",
                        crate::catalogue::Said::new(crate::catalogue::Msg::AudienceRequired),
                    );
                    return None;
                }
            },
        };
        clients(v, chosen.unwrap_or_default())
    }

    /// Whether the two reach the same clients by the same rule: a segment's tags compare as sets
    /// of tags, in any order and case.
    pub fn same_as(&self, other: &Audience) -> bool {
        let keys = |tags: &[crate::tag::TagName]| {
            let mut keys: Vec<String> = tags.iter().map(crate::tag::TagName::key).collect();
            keys.sort();
            keys.dedup();
            keys
        };
        match (self, other) {
            (Audience::Segment(a), Audience::Segment(b)) => {
                keys(&a.tags_any) == keys(&b.tags_any)
                    && keys(&a.tags_all) == keys(&b.tags_all)
                    && keys(&a.exclude_tags) == keys(&b.exclude_tags)
            }
            (a, b) => a == b,
        }
    }

    /// The audience as answered; chosen clients are read page by page elsewhere.
    pub fn to_wire(&self) -> wire::Audience {
        let names =
            |tags: &[crate::tag::TagName]| tags.iter().map(|t| t.as_ref().to_owned()).collect();
        match self {
            Audience::All => wire::Audience::All,
            Audience::Segment(filter) => wire::Audience::Segment {
                tags_any: names(&filter.tags_any),
                tags_all: names(&filter.tags_all),
                exclude_tags: names(&filter.exclude_tags),
            },
            Audience::Clients(_) => wire::Audience::Clients { client_ids: None },
        }
    }
}

fn segment(
    v: &mut Validator,
    tags_any: &[String],
    tags_all: &[String],
    exclude_tags: &[String],
) -> Option<Audience> {
    let filter = TagFilter::parse(v, "audience.", tags_any, tags_all, exclude_tags)?;
    if filter.is_empty() {
        v.add(
            "audience",
            crate::catalogue::Said::new(crate::catalogue::Msg::SegmentEmpty),
        );
        return None;
    }
    Some(Audience::Segment(filter))
}

/// The list as sent is counted against [`MAX_CLIENTS`] (repeats too), as the document's
/// `maxItems` says; the audience holds each client once.
fn clients(v: &mut Validator, mut ids: Vec<i64>) -> Option<Audience> {
    if ids.len() > MAX_CLIENTS {
        v.add(
            "client_ids",
            crate::catalogue::Said::with(
                crate::catalogue::Msg::MailingTooManyClients,
                [MAX_CLIENTS],
            ),
        );
        return None;
    }
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        v.add(
            "client_ids",
            crate::catalogue::Said::new(crate::catalogue::Msg::MailingNeedsClient),
        );
        return None;
    }
    Some(Audience::Clients(ids))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(
        audience: serde_json::Value,
        client_ids: Option<&[i64]>,
        keep: Option<&Audience>,
    ) -> Result<Audience, Vec<String>> {
        let audience: Option<wire::Audience> =
            serde_json::from_value(audience).expect("an audience");
        let mut v = Validator::new();
        let parsed = Audience::parse(&mut v, audience.as_ref(), client_ids, keep);
        match v.finish() {
            Ok(()) => Ok(parsed.expect("parsed")),
            Err(errors) => Err(errors.into_iter().map(|e| e.field).collect()),
        }
    }

    #[test]
    fn client_ids_alone_still_mean_chosen_clients_each_once() {
        assert_eq!(
            parse(serde_json::Value::Null, Some(&[3, 1, 3]), None),
            Ok(Audience::Clients(vec![1, 3]))
        );
        assert_eq!(
            parse(
                serde_json::json!({"kind": "clients", "client_ids": [2]}),
                None,
                None
            ),
            Ok(Audience::Clients(vec![2]))
        );
    }

    #[test]
    fn a_request_naming_no_audience_keeps_the_mailings_and_a_new_one_needs_one() {
        let kept = Audience::Segment(TagFilter {
            tags_any: crate::tag::tag_list(&["vip"]).expect("tags"),
            ..TagFilter::default()
        });
        assert_eq!(
            parse(serde_json::Value::Null, None, Some(&kept)),
            Ok(kept.clone())
        );
        assert_eq!(
            parse(serde_json::Value::Null, None, None),
            Err(vec!["audience".to_owned()])
        );
        let chosen = Audience::Clients(vec![4, 5]);
        assert_eq!(
            parse(serde_json::json!({"kind": "clients"}), None, Some(&chosen)),
            Ok(chosen),
            "kind clients without ids keeps the clients"
        );
        assert_eq!(
            parse(serde_json::json!({"kind": "clients"}), None, Some(&kept)),
            Err(vec!["client_ids".to_owned()]),
            "a segment turned into chosen clients needs the clients"
        );
    }

    #[test]
    fn a_segment_needs_a_condition_and_every_bad_tag_is_named() {
        assert_eq!(
            parse(serde_json::json!({"kind": "segment"}), None, None),
            Err(vec!["audience".to_owned()])
        );
        assert_eq!(
            parse(
                serde_json::json!({"kind": "segment", "tags_any": ["a,b"], "exclude_tags": [""]}),
                None,
                None
            ),
            Err(vec![
                "audience.tags_any".to_owned(),
                "audience.exclude_tags".to_owned()
            ])
        );
        let only_excluding = parse(
            serde_json::json!({"kind": "segment", "exclude_tags": ["churned"]}),
            None,
            None,
        )
        .expect("valid");
        assert_eq!(only_excluding.kind(), AudienceKind::Segment);
    }

    #[test]
    fn clients_come_in_one_place_and_only_with_kind_clients() {
        assert_eq!(
            parse(serde_json::json!({"kind": "all"}), Some(&[1]), None),
            Err(vec!["client_ids".to_owned()])
        );
        assert_eq!(
            parse(
                serde_json::json!({"kind": "clients", "client_ids": [1]}),
                Some(&[1]),
                None
            ),
            Err(vec!["client_ids".to_owned()])
        );
        assert_eq!(
            parse(serde_json::Value::Null, Some(&[]), None),
            Err(vec!["client_ids".to_owned()])
        );
    }

    #[test]
    fn segments_of_the_same_tags_in_another_order_or_case_are_the_same() {
        let segment = |any: &[&str]| {
            Audience::Segment(TagFilter {
                tags_any: crate::tag::tag_list(any).expect("tags"),
                ..TagFilter::default()
            })
        };
        assert!(segment(&["VIP", "fair"]).same_as(&segment(&["Fair", "vip"])));
        assert!(!segment(&["vip"]).same_as(&segment(&["vip", "fair"])));
        assert!(!segment(&["vip"]).same_as(&Audience::All));
        assert!(Audience::Clients(vec![1]).same_as(&Audience::Clients(vec![1])));
    }

    #[test]
    fn an_audience_answers_its_kind_and_tags_but_never_its_client_list() {
        assert_eq!(
            serde_json::to_value(Audience::Clients(vec![1, 2]).to_wire()).expect("JSON"),
            serde_json::json!({"kind": "clients"})
        );
        let segment = Audience::Segment(TagFilter {
            tags_all: crate::tag::tag_list(&["VIP"]).expect("tags"),
            ..TagFilter::default()
        });
        assert_eq!(
            serde_json::to_value(segment.to_wire()).expect("JSON"),
            serde_json::json!({"kind": "segment", "tags_any": [], "tags_all": ["VIP"], "exclude_tags": []})
        );
    }
}
