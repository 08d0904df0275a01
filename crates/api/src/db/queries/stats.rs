//! Statistics, read from the aggregates the triggers of migration 000010 keep: a handful of index
//! lookups, whatever the number of attempts or clients (the recipients of audiences that grow
//! with their owners' clients are the exception: `recipients`).

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool};

use super::recipients;
use crate::db::DbConnection;
use crate::db::schema::{mailing_daily_stats, mailings, owner_totals, runs, statistics_totals};

// PostgreSQL's SUM of a BIGINT is a NUMERIC; the casts keep every backend on BIGINT.
const SUCCEEDED: &str = "CAST(COALESCE(SUM(mailing_daily_stats.succeeded), 0) AS BIGINT)";
const FAILED: &str = "CAST(COALESCE(SUM(mailing_daily_stats.failed), 0) AS BIGINT)";
const BOUNCED: &str = "CAST(COALESCE(SUM(mailing_daily_stats.bounced), 0) AS BIGINT)";
const COMPLAINED: &str = "CAST(COALESCE(SUM(mailing_daily_stats.complained), 0) AS BIGINT)";
const SENT: &str = "CAST(COALESCE(SUM(runs.sent), 0) AS BIGINT)";
/// A mailing that ever sent (a run, or an attempt) is running until it ends.
const STARTED: &str = "(EXISTS (SELECT 1 FROM runs r WHERE r.mailing_id = mailings.id) \
     OR EXISTS (SELECT 1 FROM mailing_daily_stats s WHERE s.mailing_id = mailings.id))";

/// Whose figures: one owner's mailings, or one mailing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Of {
    Owner(i64),
    Mailing(i64),
}

/// (mailings, running mailings, recipient addresses) over everyone.
pub fn overview(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<(i64, i64, i64)> {
    let mailings_total = statistics_totals::table
        .find(1)
        .select(statistics_totals::mailings)
        .first::<i64>(conn)?;
    let recipients = recipients::count(conn)?;
    let running = mailings::table
        .filter(mailings::ends_at.gt(now))
        .filter(sql::<Bool>(STARTED))
        .count()
        .get_result(conn)?;
    Ok((mailings_total, running, recipients))
}

/// An owner's mailings: (total, running, completed) at `now`.
pub fn mailing_counts(
    conn: &mut DbConnection,
    owner_id: i64,
    now: NaiveDateTime,
) -> QueryResult<(i64, i64, i64)> {
    let (_, total) = owned(conn, owner_id)?;
    let owned = || mailings::table.filter(mailings::owner_id.eq(owner_id));
    let completed = owned()
        .filter(mailings::ends_at.le(now))
        .count()
        .get_result(conn)?;
    let running = owned()
        .filter(mailings::ends_at.gt(now))
        .filter(sql::<Bool>(STARTED))
        .count()
        .get_result(conn)?;
    Ok((total, running, completed))
}

/// An owner's clients and mailings, from their counted row (none until they have either).
pub fn owned(conn: &mut DbConnection, owner_id: i64) -> QueryResult<(i64, i64)> {
    Ok(owner_totals::table
        .find(owner_id)
        .select((owner_totals::clients, owner_totals::mailings))
        .first(conn)
        .optional()?
        .unwrap_or_default())
}

/// Everyone's clients, summed over the owners' counted rows.
pub fn all_clients(conn: &mut DbConnection) -> QueryResult<i64> {
    owner_totals::table
        .select(sql::<BigInt>(
            "CAST(COALESCE(SUM(owner_totals.clients), 0) AS BIGINT)",
        ))
        .get_result(conn)
}

pub fn client_count(conn: &mut DbConnection, owner_id: i64) -> QueryResult<i64> {
    owned(conn, owner_id).map(|(clients, _)| clients)
}

/// Attempts by outcome, and the bounces and complaints about them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Queryable)]
pub struct Outcomes {
    pub succeeded: i64,
    pub failed: i64,
    pub bounced: i64,
    pub complained: i64,
}

/// Outcomes, all time.
pub fn attempts(conn: &mut DbConnection, of: Of) -> QueryResult<Outcomes> {
    let query = mailing_daily_stats::table
        .inner_join(mailings::table)
        .into_boxed();
    let query = match of {
        Of::Owner(id) => query.filter(mailings::owner_id.eq(id)),
        Of::Mailing(id) => query.filter(mailings::id.eq(id)),
    };
    query
        .select((
            sql::<BigInt>(SUCCEEDED),
            sql::<BigInt>(FAILED),
            sql::<BigInt>(BOUNCED),
            sql::<BigInt>(COMPLAINED),
        ))
        .get_result(conn)
}

/// (day, outcomes) for the days in `from..=to` that had attempts or events, in order.
pub fn daily(
    conn: &mut DbConnection,
    of: Of,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<(NaiveDate, Outcomes)>> {
    let query = mailing_daily_stats::table
        .inner_join(mailings::table)
        .filter(mailing_daily_stats::day.between(from, to))
        .group_by(mailing_daily_stats::day)
        .order(mailing_daily_stats::day.asc())
        .select((
            mailing_daily_stats::day,
            (
                sql::<BigInt>(SUCCEEDED),
                sql::<BigInt>(FAILED),
                sql::<BigInt>(BOUNCED),
                sql::<BigInt>(COMPLAINED),
            ),
        ))
        .into_boxed();
    let query = match of {
        Of::Owner(id) => query.filter(mailings::owner_id.eq(id)),
        Of::Mailing(id) => query.filter(mailings::id.eq(id)),
    };
    query.load(conn)
}

/// Deliveries accepted by the mail server, over all runs.
pub fn messages_sent(conn: &mut DbConnection, of: Of) -> QueryResult<i64> {
    let query = runs::table.inner_join(mailings::table).into_boxed();
    let query = match of {
        Of::Owner(id) => query.filter(mailings::owner_id.eq(id)),
        Of::Mailing(id) => query.filter(mailings::id.eq(id)),
    };
    query.select(sql::<BigInt>(SENT)).get_result(conn)
}

/// Per owner, for a page of users.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OwnerFigures {
    pub mailings: i64,
    pub clients: i64,
    pub messages_sent: i64,
    pub succeeded: i64,
    pub failed: i64,
}

pub fn by_owner(
    conn: &mut DbConnection,
    owner_ids: &[i64],
) -> QueryResult<HashMap<i64, OwnerFigures>> {
    let mut figures: HashMap<i64, OwnerFigures> = HashMap::new();
    let counted: Vec<(i64, i64, i64)> = owner_totals::table
        .filter(owner_totals::owner_id.eq_any(owner_ids))
        .select((
            owner_totals::owner_id,
            owner_totals::clients,
            owner_totals::mailings,
        ))
        .load(conn)?;
    for (owner, clients, mailings) in counted {
        let entry = figures.entry(owner).or_default();
        entry.clients = clients;
        entry.mailings = mailings;
    }
    let sent: Vec<(i64, i64)> = runs::table
        .inner_join(mailings::table)
        .filter(mailings::owner_id.eq_any(owner_ids))
        .group_by(mailings::owner_id)
        .select((mailings::owner_id, sql::<BigInt>(SENT)))
        .load(conn)?;
    for (owner, n) in sent {
        figures.entry(owner).or_default().messages_sent = n;
    }
    let attempts: Vec<(i64, i64, i64)> = mailing_daily_stats::table
        .inner_join(mailings::table)
        .filter(mailings::owner_id.eq_any(owner_ids))
        .group_by(mailings::owner_id)
        .select((
            mailings::owner_id,
            sql::<BigInt>(SUCCEEDED),
            sql::<BigInt>(FAILED),
        ))
        .load(conn)?;
    for (owner, succeeded, failed) in attempts {
        let entry = figures.entry(owner).or_default();
        entry.succeeded = succeeded;
        entry.failed = failed;
    }
    Ok(figures)
}

/// Per mailing: (successful, failed) attempts.
pub fn attempts_by_mailing(
    conn: &mut DbConnection,
    mailing_ids: &[i64],
) -> QueryResult<HashMap<i64, (u64, u64)>> {
    let rows: Vec<(i64, i64, i64)> = mailing_daily_stats::table
        .filter(mailing_daily_stats::mailing_id.eq_any(mailing_ids))
        .group_by(mailing_daily_stats::mailing_id)
        .select((
            mailing_daily_stats::mailing_id,
            sql::<BigInt>(SUCCEEDED),
            sql::<BigInt>(FAILED),
        ))
        .load(conn)?;
    let count = |n: i64| u64::try_from(n).unwrap_or_default();
    Ok(rows
        .into_iter()
        .map(|(id, succeeded, failed)| (id, (count(succeeded), count(failed))))
        .collect())
}

/// The next moment a status changes by time alone: the earliest end still ahead, among one
/// owner's mailings or everyone's. Figures read at `now` hold until then (or until a write).
pub fn next_end(
    conn: &mut DbConnection,
    owner_id: Option<i64>,
    now: NaiveDateTime,
) -> QueryResult<Option<NaiveDateTime>> {
    let mut query = mailings::table
        .filter(mailings::ends_at.gt(now))
        .into_boxed();
    if let Some(owner_id) = owner_id {
        query = query.filter(mailings::owner_id.eq(owner_id));
    }
    query
        .select(diesel::dsl::min(mailings::ends_at))
        .first(conn)
}
