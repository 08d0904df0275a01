//! CSV export, streamed: the file is written page by page, never held whole in memory.

use actix_web::web::Bytes;
use futures_util::stream::{self, Stream};

use std::collections::HashMap;

use crate::db::queries::clients::{self, ClientFilter};
use crate::db::queries::tags;
use crate::db::rows::ClientRow;
use crate::db::{DbError, DbPool, blocking};

const PAGE: i64 = 1000;

pub const HEADER: &str = "email,full_name,comment,tags\n";

/// A client's tags in one field, as the import reads them back.
fn tag_field(tags: Option<&Vec<String>>) -> String {
    tags.map(|t| t.join(", ")).unwrap_or_default()
}

fn encode(rows: &[ClientRow], tags: &HashMap<i64, Vec<String>>) -> Result<Bytes, DbError> {
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::with_capacity(rows.len() * 64));
    for row in rows {
        let tags = tag_field(tags.get(&row.id));
        writer
            .write_record([&row.email, &row.full_name, &row.comment, &tags])
            .map_err(|e| DbError::Task(e.to_string()))?;
    }
    writer
        .into_inner()
        .map(Bytes::from)
        .map_err(|e| DbError::Task(e.to_string()))
}

/// The header, then every client matching `filter` in id order.
pub fn stream(pool: DbPool, filter: ClientFilter) -> impl Stream<Item = Result<Bytes, DbError>> {
    let header = stream::once(async { Ok(Bytes::from_static(HEADER.as_bytes())) });
    let pages = stream::try_unfold(Some(0_i64), move |after| {
        let pool = pool.clone();
        let filter = filter.clone();
        async move {
            let Some(after) = after else { return Ok(None) };
            let (rows, tags) = blocking(&pool, move |conn| {
                let rows = clients::after(conn, &filter, after, PAGE)?;
                let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
                let tags = tags::of_clients(conn, &ids)?;
                Ok::<_, DbError>((rows, tags))
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
            Ok(Some((encode(&rows, &tags)?, next)))
        }
    });
    futures_util::StreamExt::chain(header, pages)
}
