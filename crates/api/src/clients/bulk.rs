//! One change to every client a filter selects, set-based: a statement per tag, never one per
//! client, so 100,000 clients are tagged in one request.

use chrono::NaiveDateTime;
use mailroom_domain::selection::{BulkAction, BulkChange};
use mailroom_domain::tag::MAX_TAGS_PER_CLIENT;

use crate::db::queries::clients::{self, ClientFilter};
use crate::db::queries::{picked, tags};
use crate::db::{DbConnection, DbError, write_transaction};

/// Changes this big refresh the planner's statistics.
const STATISTICS_AFTER: u64 = 1_000;

#[derive(Debug, thiserror::Error)]
pub enum BulkError {
    #[error(
        "{0} of these clients would carry more than {MAX_TAGS_PER_CLIENT} tags; nothing was changed"
    )]
    TooManyTags(usize),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for BulkError {
    fn from(e: diesel::result::Error) -> Self {
        BulkError::Db(e.into())
    }
}

/// Applies `change` to `owner_id`'s clients, all or nothing; how many clients it changed.
pub fn apply(
    conn: &mut DbConnection,
    owner_id: i64,
    change: BulkChange,
    now: NaiveDateTime,
) -> Result<u64, BulkError> {
    let filter = ClientFilter::of_owner(owner_id, change.selection);
    let deleting = change.action == BulkAction::Delete;
    let changed = write_transaction::<_, BulkError, _>(conn, |conn| {
        // Before picking: another change of this owner's clients or tags waits for this one.
        tags::lock_owner(conn, owner_id)?;
        let picked = picked::pick(conn, &filter)? as i64;
        match change.action {
            BulkAction::Delete => Ok(picked::delete_clients(conn)? as u64),
            // Tags named for nobody are not created.
            BulkAction::Tag { .. } if picked == 0 => Ok(0),
            BulkAction::Tag { add, remove } => {
                let add = tags::ensure(conn, owner_id, &add, now)?;
                let mut removed = Vec::new();
                for tag in &remove {
                    removed.extend(tags::find(conn, owner_id, &tag.key())?.map(|t| t.id));
                }
                let unchanged = tags::unchanged_picked(conn, &add, &removed)?;
                tags::untag_picked(conn, &removed)?;
                for tag_id in &add {
                    tags::tag_picked(conn, *tag_id)?;
                }
                if !add.is_empty() {
                    let over = tags::picked_over_the_limit(conn)?;
                    if over > 0 {
                        return Err(BulkError::TooManyTags(over));
                    }
                }
                Ok(u64::try_from(picked - unchanged).unwrap_or_default())
            }
        }
    })?;
    if changed >= STATISTICS_AFTER {
        // Best effort: the change is committed, and a planner with older figures is slower,
        // not wrong.
        let refreshed = if deleting {
            clients::refresh_statistics(conn)
        } else {
            tags::refresh_statistics(conn)
        };
        if let Err(error) = refreshed {
            tracing::warn!(%error, "statistics not refreshed after a bulk change");
        }
    }
    Ok(changed)
}
