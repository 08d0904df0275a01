//! The home page's distinct recipient addresses: every address (any case, any owner) that some
//! mailing's audience holds now.
//!
//! Chosen clients are counted by the triggers of migration 000010 as they are written
//! (`statistics_totals.recipients`, one row). Audiences of all clients and of segments change
//! with every client and tag written, so they are evaluated when the figure is read: only the
//! clients of their owners are read, each audience by the same query its runs queue with, into a
//! temporary table of the connection; an address counts once, whoever's clients and audiences
//! hold it.

use std::collections::BTreeMap;

use diesel::dsl::{self, exists, not};
use diesel::prelude::*;
use mailroom_domain::audience::AudienceKind;

use super::audiences::{self, AudienceOf};
use super::empty_temporary_table;
use crate::db::DbConnection;
use crate::db::schema::{clients, mailings, recipient_addresses, statistics_totals};

diesel::table! {
    /// Temporary: created per connection by [`count`], never by a migration. Addresses may repeat.
    audience_addresses (email_lower) {
        email_lower -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(audience_addresses, recipient_addresses);

/// How many distinct addresses the mailings' audiences hold now.
pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    conn.transaction(|conn| {
        let chosen: i64 = statistics_totals::table
            .find(1)
            .select(statistics_totals::recipients)
            .first(conn)?;
        let growing: Vec<(i64, i64, AudienceKind)> = mailings::table
            .filter(mailings::audience.ne(AudienceKind::Clients))
            .order(mailings::id)
            .select((mailings::id, mailings::owner_id, mailings::audience))
            .load(conn)?;
        if growing.is_empty() {
            return Ok(chosen);
        }
        fill(conn, &growing)?;
        let counted = recipient_addresses::table
            .filter(recipient_addresses::email_lower.eq(audience_addresses::email_lower));
        let more: i64 = audience_addresses::table
            .filter(not(exists(counted)))
            .select(dsl::count(audience_addresses::email_lower).aggregate_distinct())
            .first(conn)?;
        Ok(chosen + more)
    })
}

/// Copies the addresses of these audiences into `audience_addresses`, emptied first.
fn fill(conn: &mut DbConnection, growing: &[(i64, i64, AudienceKind)]) -> QueryResult<()> {
    let column = "email_lower TEXT NOT NULL";
    empty_temporary_table(conn, "audience_addresses", column, column)?;
    // An owner's audience of all clients holds every segment of that owner's too: one mailing
    // of all clients per owner is read, and none of the owner's segments.
    let mut everyone: BTreeMap<i64, i64> = BTreeMap::new();
    for (id, owner, kind) in growing {
        if *kind == AudienceKind::All {
            everyone.entry(*owner).or_insert(*id);
        }
    }
    let segments: Vec<(i64, i64)> = growing
        .iter()
        .filter(|(_, owner, kind)| *kind == AudienceKind::Segment && !everyone.contains_key(owner))
        .map(|(id, owner, _)| (*id, *owner))
        .collect();
    let mut conditions = audiences::segments(
        conn,
        &segments.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
    )?;
    let audiences = everyone
        .iter()
        .map(|(&owner_id, &mailing_id)| AudienceOf {
            mailing_id,
            owner_id,
            kind: AudienceKind::All,
            segment: Default::default(),
        })
        .chain(segments.iter().map(|&(mailing_id, owner_id)| AudienceOf {
            mailing_id,
            owner_id,
            kind: AudienceKind::Segment,
            segment: conditions.remove(&mailing_id).unwrap_or_default(),
        }));
    for audience in audiences {
        let addresses = audiences::members(conn, &audience)?
            .query()
            .select(clients::email_lower);
        diesel::insert_into(audience_addresses::table)
            .values(addresses)
            .into_columns(audience_addresses::email_lower)
            .execute(conn)?;
    }
    Ok(())
}
