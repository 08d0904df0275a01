//! A mailing as it is answered: its row with its clients, its message's subject, its attempt
//! counts and its status now.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use mailroom_domain::MailingStatus;
use mailroom_domain::wire::{Mailing, Run};

use crate::db::queries::{mailings, messages, runs, stats};
use crate::db::rows::{MailingRow, RunRow};
use crate::db::{DbConnection, DbError};

/// What a mailing answer needs beyond its row, read for a page of rows at once.
pub struct Extras {
    client_ids: HashMap<i64, Vec<i64>>,
    subjects: HashMap<i64, String>,
    counts: HashMap<i64, (u64, u64)>,
    /// Each sent mailing's latest run. A mailing with a run is running (until its end), even
    /// before the first attempt is recorded.
    latest: HashMap<i64, RunRow>,
}

/// A run as answered.
pub fn run(row: RunRow) -> Run {
    let count = |n: i64| u64::try_from(n).unwrap_or_default();
    Run {
        id: row.id,
        mailing_id: row.mailing_id,
        trigger: row.trigger,
        total: count(row.total),
        sent: count(row.sent),
        failed: count(row.failed),
        cancelled: count(row.cancelled),
        pending: count(row.pending()),
        skipped: count(row.skipped),
        created_at: row.created_at.and_utc(),
        started_at: row.started_at.map(|t| t.and_utc()),
        finished_at: row.finished_at.map(|t| t.and_utc()),
    }
}

impl Extras {
    pub fn read(conn: &mut DbConnection, rows: &[MailingRow]) -> Result<Self, DbError> {
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let message_ids: Vec<i64> = rows.iter().map(|r| r.message_id).collect();
        Ok(Self {
            client_ids: mailings::client_ids(conn, &ids)?,
            subjects: messages::subjects(conn, &message_ids)?,
            counts: stats::attempts_by_mailing(conn, &ids)?,
            latest: runs::latest(conn, &ids)?
                .into_iter()
                .map(|r| (r.mailing_id, r))
                .collect(),
        })
    }

    pub fn status(&self, row: &MailingRow, now: NaiveDateTime) -> MailingStatus {
        let counts = self.counts.get(&row.id).copied().unwrap_or_default();
        let sent = counts.0 + counts.1 > 0 || self.was_sent(row.id);
        MailingStatus::at(now, row.ends_at, sent)
    }

    /// Whether the mailing was ever sent (a run of it exists, by hand or on schedule).
    pub fn was_sent(&self, id: i64) -> bool {
        self.latest.contains_key(&id)
    }

    /// The mailing's clients, taken out (each row is answered once).
    pub fn take_client_ids(&mut self, id: i64) -> Vec<i64> {
        self.client_ids.remove(&id).unwrap_or_default()
    }

    pub fn answer(&mut self, row: MailingRow, now: NaiveDateTime) -> Result<Mailing, DbError> {
        let status = self.status(&row, now);
        let client_ids = self.take_client_ids(row.id);
        let counts = self.counts.get(&row.id).copied().unwrap_or_default();
        Ok(Mailing {
            status,
            schedule: row.schedule,
            next_run_at: row.next_run_at.map(|t| t.and_utc()),
            id: row.id,
            message_id: row.message_id,
            message_subject: self
                .subjects
                .get(&row.message_id)
                .cloned()
                .unwrap_or_default(),
            client_count: client_ids.len() as u64,
            client_ids,
            starts_at: row.starts_at.and_utc(),
            ends_at: row.ends_at.and_utc(),
            disabled: row.disabled,
            owner_id: row.owner_id,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
            success_count: counts.0,
            failure_count: counts.1,
            last_run: self.latest.remove(&row.id).map(run),
        })
    }
}

/// One mailing as answered, or none when it does not exist.
pub fn find(
    conn: &mut DbConnection,
    id: i64,
    now: NaiveDateTime,
) -> Result<Option<Mailing>, DbError> {
    let Some(row) = mailings::find(conn, id)? else {
        return Ok(None);
    };
    let mut extras = Extras::read(conn, std::slice::from_ref(&row))?;
    extras.answer(row, now).map(Some)
}

/// A page of rows as answered.
pub fn answer_all(
    conn: &mut DbConnection,
    rows: Vec<MailingRow>,
    now: NaiveDateTime,
) -> Result<Vec<Mailing>, DbError> {
    let mut extras = Extras::read(conn, &rows)?;
    rows.into_iter()
        .map(|row| extras.answer(row, now))
        .collect()
}
