//! CSV export, streamed: the file is written page by page, never held whole in memory.

use actix_web::web::Bytes;
use futures_util::stream::{self, Stream};

use crate::db::queries::clients;
use crate::db::rows::ClientRow;
use crate::db::{DbError, DbPool, blocking};

const PAGE: i64 = 1000;

pub const HEADER: &str = "email,full_name,comment\n";

fn encode(rows: &[ClientRow]) -> Result<Bytes, DbError> {
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::with_capacity(rows.len() * 64));
    for row in rows {
        writer
            .write_record([&row.email, &row.full_name, &row.comment])
            .map_err(|e| DbError::Task(e.to_string()))?;
    }
    writer
        .into_inner()
        .map(Bytes::from)
        .map_err(|e| DbError::Task(e.to_string()))
}

/// The header, then every client of `owner_id` (or everyone's) in id order.
pub fn stream(pool: DbPool, owner_id: Option<i64>) -> impl Stream<Item = Result<Bytes, DbError>> {
    let header = stream::once(async { Ok(Bytes::from_static(HEADER.as_bytes())) });
    let pages = stream::try_unfold(Some(0_i64), move |after| {
        let pool = pool.clone();
        async move {
            let Some(after) = after else { return Ok(None) };
            let rows = blocking(&pool, move |conn| {
                Ok::<_, DbError>(clients::after(conn, owner_id, after, PAGE)?)
            })
            .await?;
            if rows.is_empty() {
                return Ok(None);
            }
            let next = if (rows.len() as i64) < PAGE {
                None
            } else {
                rows.last().map(|r| r.id)
            };
            Ok(Some((encode(&rows)?, next)))
        }
    });
    futures_util::StreamExt::chain(header, pages)
}
