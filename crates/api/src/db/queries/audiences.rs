//! A mailing's audience as stored (its kind on the mailing, a segment's tags in `mailing_tags`,
//! chosen clients in `mailing_clients`), and the clients it holds now, as a query: never a list
//! loaded into the process.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use mailroom_domain::audience::{Audience, AudienceKind, TagRule};
use mailroom_domain::selection::ClientSelection;
use mailroom_domain::tag::{TagFilter, TagName};

use super::Backend;
use super::clients::{ClientFilter, IdRange, Matching, matching};
use super::{mailings, tags};
use crate::db::DbConnection;
use crate::db::rows::{MailingRow, MailingTagRow};
use crate::db::schema::{clients, mailing_clients, mailing_tags, tags as tag_table};

/// Whose clients and which of them: what a mailing's audience needs to be evaluated.
#[derive(Debug, Clone)]
pub struct AudienceOf {
    pub mailing_id: i64,
    pub owner_id: i64,
    pub kind: AudienceKind,
    /// The segment's conditions (empty unless `kind` is a segment).
    pub segment: TagFilter,
}

/// The mailing's audience, its segment read when it has one.
pub fn of(conn: &mut DbConnection, mailing: &MailingRow) -> QueryResult<AudienceOf> {
    let mut segment = match mailing.audience {
        AudienceKind::Segment => segments(conn, &[mailing.id])?,
        _ => HashMap::new(),
    };
    Ok(AudienceOf {
        mailing_id: mailing.id,
        owner_id: mailing.owner_id,
        kind: mailing.audience,
        segment: segment.remove(&mailing.id).unwrap_or_default(),
    })
}

/// The clients an audience holds now, subscribed or not: its tags looked up once, then made a
/// query as often as one is needed.
#[derive(Debug, Clone)]
pub enum Members {
    Matching(Matching),
    Chosen { mailing_id: i64 },
    Nobody,
}

impl Members {
    pub fn query(&self) -> clients::BoxedQuery<'static, Backend> {
        self.query_in(None)
    }

    /// The members in `range`, when one is given: a batch of the audience.
    pub fn query_in(&self, range: Option<IdRange>) -> clients::BoxedQuery<'static, Backend> {
        match self {
            Members::Matching(matching) => matching.query_in(range),
            Members::Chosen { mailing_id } => {
                let chosen = mailing_clients::table
                    .filter(mailing_clients::mailing_id.eq(*mailing_id))
                    .select(mailing_clients::client_id);
                match range {
                    None => clients::table
                        .filter(clients::id.eq_any(chosen))
                        .into_boxed(),
                    Some(range) => clients::table
                        .filter(clients::id.gt(range.after))
                        .filter(clients::id.le(range.up_to))
                        .filter(
                            clients::id.eq_any(
                                chosen
                                    .filter(mailing_clients::client_id.gt(range.after))
                                    .filter(mailing_clients::client_id.le(range.up_to)),
                            ),
                        )
                        .into_boxed(),
                }
            }
            Members::Nobody => clients::table
                .filter(false.into_sql::<diesel::sql_types::Bool>())
                .into_boxed(),
        }
    }
}

/// The clients the audience holds now.
pub fn members(conn: &mut DbConnection, audience: &AudienceOf) -> QueryResult<Members> {
    let mut everyone = |tags: TagFilter| {
        let filter = ClientFilter::of_owner(
            audience.owner_id,
            ClientSelection {
                tags,
                ..ClientSelection::default()
            },
        );
        matching(conn, &filter).map(Members::Matching)
    };
    match audience.kind {
        AudienceKind::All => everyone(TagFilter::default()),
        // A segment always has a condition; one whose tags could not be read holds no one,
        // never everyone.
        AudienceKind::Segment if audience.segment.is_empty() => Ok(Members::Nobody),
        AudienceKind::Segment => everyone(audience.segment.clone()),
        AudienceKind::Clients => Ok(Members::Chosen {
            mailing_id: audience.mailing_id,
        }),
    }
}

/// How many clients the audience holds now, and how many of them unsubscribed.
pub fn size(conn: &mut DbConnection, audience: &AudienceOf) -> QueryResult<(i64, i64)> {
    let members = members(conn, audience)?;
    let all: i64 = members.query().count().get_result(conn)?;
    let unsubscribed: i64 = members
        .query()
        .filter(clients::unsubscribed_at.is_not_null())
        .count()
        .get_result(conn)?;
    Ok((all, unsubscribed))
}

/// How many clients each mailing's audience holds now: one grouped count for chosen clients,
/// one count per owner for "all", one per segment.
pub fn sizes(
    conn: &mut DbConnection,
    rows: &[MailingRow],
    segments: &HashMap<i64, TagFilter>,
) -> QueryResult<HashMap<i64, i64>> {
    let chosen: Vec<i64> = rows
        .iter()
        .filter(|r| r.audience == AudienceKind::Clients)
        .map(|r| r.id)
        .collect();
    let mut sizes = mailings::chosen_counts(conn, &chosen)?;
    let mut everyone: HashMap<i64, i64> = HashMap::new();
    for row in rows {
        let audience = AudienceOf {
            mailing_id: row.id,
            owner_id: row.owner_id,
            kind: row.audience,
            segment: segments.get(&row.id).cloned().unwrap_or_default(),
        };
        let size = match row.audience {
            AudienceKind::Clients => sizes.get(&row.id).copied().unwrap_or_default(),
            AudienceKind::All => match everyone.get(&row.owner_id) {
                Some(size) => *size,
                None => {
                    let size = members(conn, &audience)?.query().count().get_result(conn)?;
                    everyone.insert(row.owner_id, size);
                    size
                }
            },
            AudienceKind::Segment => members(conn, &audience)?.query().count().get_result(conn)?,
        };
        sizes.insert(row.id, size);
    }
    Ok(sizes)
}

/// Each segment mailing's conditions, by tag name as it is now.
pub fn segments(
    conn: &mut DbConnection,
    mailing_ids: &[i64],
) -> QueryResult<HashMap<i64, TagFilter>> {
    let rows: Vec<(i64, TagRule, String)> = mailing_tags::table
        .inner_join(tag_table::table)
        .filter(mailing_tags::mailing_id.eq_any(mailing_ids))
        .order((mailing_tags::mailing_id, tag_table::name_key))
        .select((
            mailing_tags::mailing_id,
            mailing_tags::rule,
            tag_table::name,
        ))
        .load(conn)?;
    let mut by_mailing: HashMap<i64, TagFilter> = HashMap::new();
    for (mailing_id, rule, name) in rows {
        // Stored names were checked when written; one that no longer parses is left out.
        let Ok(tag) = TagName::parse(&name) else {
            continue;
        };
        let filter = by_mailing.entry(mailing_id).or_default();
        match rule {
            TagRule::Any => filter.tags_any.push(tag),
            TagRule::All => filter.tags_all.push(tag),
            TagRule::Exclude => filter.exclude_tags.push(tag),
        }
    }
    Ok(by_mailing)
}

/// The audience as the mailing rules compare it: chosen clients are read whole (an edit may
/// replace them), a segment by its tags.
pub fn stored(conn: &mut DbConnection, mailing: &MailingRow) -> QueryResult<Audience> {
    Ok(match mailing.audience {
        AudienceKind::All => Audience::All,
        AudienceKind::Segment => Audience::Segment(
            segments(conn, &[mailing.id])?
                .remove(&mailing.id)
                .unwrap_or_default(),
        ),
        AudienceKind::Clients => Audience::Clients(
            mailing_clients::table
                .filter(mailing_clients::mailing_id.eq(mailing.id))
                .order(mailing_clients::client_id)
                .select(mailing_clients::client_id)
                .load(conn)?,
        ),
    })
}

/// Replaces the mailing's segment conditions (none: not a segment), creating the owner's tags
/// a condition names that do not exist yet.
pub fn set_segment(
    conn: &mut DbConnection,
    mailing_id: i64,
    owner_id: i64,
    segment: Option<&TagFilter>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::delete(mailing_tags::table.filter(mailing_tags::mailing_id.eq(mailing_id)))
        .execute(conn)?;
    let Some(segment) = segment else {
        return Ok(());
    };
    tags::lock_owner(conn, owner_id)?;
    let mut rows = Vec::new();
    for (rule, names) in [
        (TagRule::Any, &segment.tags_any),
        (TagRule::All, &segment.tags_all),
        (TagRule::Exclude, &segment.exclude_tags),
    ] {
        for tag_id in tags::ensure(conn, owner_id, names, now)? {
            rows.push(MailingTagRow {
                mailing_id,
                rule,
                tag_id,
            });
        }
    }
    rows.sort_by_key(|r| (r.rule.as_str(), r.tag_id));
    rows.dedup();
    if rows.is_empty() {
        return Ok(());
    }
    match conn {
        DbConnection::Postgres(pg) => diesel::insert_into(mailing_tags::table)
            .values(&rows)
            .execute(pg)?,
        DbConnection::Sqlite(sqlite) => diesel::insert_into(mailing_tags::table)
            .values(&rows)
            .execute(sqlite)?,
    };
    Ok(())
}

/// Gives mailing `to` the segment conditions of mailing `from`, in one statement.
pub fn copy_segment(conn: &mut DbConnection, from: i64, to: i64) -> QueryResult<usize> {
    let conditions = mailing_tags::table
        .filter(mailing_tags::mailing_id.eq(from))
        .select((
            to.into_sql::<diesel::sql_types::BigInt>(),
            mailing_tags::rule,
            mailing_tags::tag_id,
        ));
    diesel::insert_into(mailing_tags::table)
        .values(conditions)
        .into_columns((
            mailing_tags::mailing_id,
            mailing_tags::rule,
            mailing_tags::tag_id,
        ))
        .execute(conn)
}

/// The mailings whose segment uses the tag.
pub fn using_tag(conn: &mut DbConnection, tag_id: i64) -> QueryResult<Vec<i64>> {
    mailing_tags::table
        .filter(mailing_tags::tag_id.eq(tag_id))
        .select(mailing_tags::mailing_id)
        .distinct()
        .order(mailing_tags::mailing_id)
        .load(conn)
}

/// The mailings whose segment names both tags `a` and `b` so that, made one tag, it would reach
/// other clients: under different rules, or both under "all of" (two required tags would become
/// one). Both under "any of" or both excluded reach the same clients as one tag.
pub fn conflicting(conn: &mut DbConnection, a: i64, b: i64) -> QueryResult<Vec<i64>> {
    let rows: Vec<MailingTagRow> = mailing_tags::table
        .filter(mailing_tags::tag_id.eq_any([a, b]))
        .select(MailingTagRow::as_select())
        .load(conn)?;
    let mut mailings: Vec<i64> = rows
        .iter()
        .filter(|x| {
            x.tag_id == a
                && rows.iter().any(|y| {
                    y.tag_id == b
                        && y.mailing_id == x.mailing_id
                        && (y.rule != x.rule || x.rule == TagRule::All)
                })
        })
        .map(|x| x.mailing_id)
        .collect();
    mailings.sort_unstable();
    mailings.dedup();
    Ok(mailings)
}

/// Points the segments using tag `from` at tag `to` (two tags became one).
pub fn move_tag(conn: &mut DbConnection, from: i64, to: i64) -> QueryResult<()> {
    let moved: Vec<MailingTagRow> = mailing_tags::table
        .filter(mailing_tags::tag_id.eq(from))
        .select(MailingTagRow::as_select())
        .load(conn)?;
    diesel::delete(mailing_tags::table.filter(mailing_tags::tag_id.eq(from))).execute(conn)?;
    for row in moved {
        let exists = mailing_tags::table
            .find((row.mailing_id, row.rule, to))
            .count()
            .get_result::<i64>(conn)?
            > 0;
        if !exists {
            diesel::insert_into(mailing_tags::table)
                .values(MailingTagRow { tag_id: to, ..row })
                .execute(conn)?;
        }
    }
    Ok(())
}
