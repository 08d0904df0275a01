//! A mailing as it is answered: its row with its audience and its size, its message's subject,
//! its attempt counts and its status now. Never its list of clients: an answer stays small
//! whatever the audience.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use mailroom_domain::MailingStatus;
use mailroom_domain::audience::{Audience, AudienceKind};
use mailroom_domain::tag::TagFilter;
use mailroom_domain::wire::{self, Mailing, Run};

use crate::db::queries::{audiences, mailings, messages, runs, stats};
use crate::db::rows::{MailingRow, RunRow};
use crate::db::{DbConnection, DbError};

/// What a mailing answer needs beyond its row, read for a page of rows at once.
pub struct Extras {
    segments: HashMap<i64, TagFilter>,
    sizes: HashMap<i64, i64>,
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
        suppressed: count(row.suppressed),
        pending: count(row.pending()),
        skipped: count(row.skipped),
        created_at: row.created_at.and_utc(),
        started_at: row.started_at.map(|t| t.and_utc()),
        finished_at: row.finished_at.map(|t| t.and_utc()),
        paused_at: row.paused_at.map(|t| t.and_utc()),
    }
}

impl Extras {
    pub fn read(conn: &mut DbConnection, rows: &[MailingRow]) -> Result<Self, DbError> {
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let message_ids: Vec<i64> = rows.iter().map(|r| r.message_id).collect();
        let segment_ids: Vec<i64> = rows
            .iter()
            .filter(|r| r.audience == AudienceKind::Segment)
            .map(|r| r.id)
            .collect();
        let segments = audiences::segments(conn, &segment_ids)?;
        Ok(Self {
            sizes: audiences::sizes(conn, rows, &segments)?,
            segments,
            subjects: messages::subjects(conn, &message_ids)?,
            counts: stats::attempts_by_mailing(conn, &ids)?,
            latest: runs::latest(conn, &ids)?
                .into_iter()
                .map(|r| (r.mailing_id, r))
                .collect(),
        })
    }

    /// Only what the status needs (attempt counts and the latest run), for the mailing rules:
    /// never the audience's size, which counts clients.
    pub fn for_status(conn: &mut DbConnection, rows: &[MailingRow]) -> Result<Self, DbError> {
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        Ok(Self {
            sizes: HashMap::new(),
            segments: HashMap::new(),
            subjects: HashMap::new(),
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

    fn audience(&mut self, row: &MailingRow) -> wire::Audience {
        match row.audience {
            AudienceKind::All => wire::Audience::All,
            AudienceKind::Segment => {
                Audience::Segment(self.segments.remove(&row.id).unwrap_or_default()).to_wire()
            }
            AudienceKind::Clients => wire::Audience::Clients { client_ids: None },
        }
    }

    pub fn answer(&mut self, row: MailingRow, now: NaiveDateTime) -> Result<Mailing, DbError> {
        let status = self.status(&row, now);
        let counts = self.counts.get(&row.id).copied().unwrap_or_default();
        let size = self.sizes.get(&row.id).copied().unwrap_or_default();
        Ok(Mailing {
            audience: self.audience(&row),
            client_count: u64::try_from(size).unwrap_or_default(),
            status,
            schedule: row.schedule,
            next_run_at: row.next_run_at.map(|t| t.and_utc()),
            id: row.id,
            name: row.name,
            from_name: row.from_name,
            message_id: row.message_id,
            message_subject: self
                .subjects
                .get(&row.message_id)
                .cloned()
                .unwrap_or_default(),
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
