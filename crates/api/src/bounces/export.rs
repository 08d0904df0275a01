//! The suppression list as CSV, streamed page by page (never held whole in memory).

use actix_web::web::Bytes;
use futures_util::stream::{self, Stream};
use mailroom_domain::listing::Sort;
use mailroom_domain::wire::SuppressionSort;

use crate::db::queries::suppressions::{self, After, SuppressionFilter};
use crate::db::rows::SuppressionRow;
use crate::db::{DbError, DbPool, blocking};

const PAGE: i64 = 1000;

pub const HEADER: &str = "email,reason,detail,mailing_id,created_at\n";

/// A detail as a spreadsheet shows it, never runs it: it comes from strangers' reports, and a
/// cell starting with `=`, `+`, `-` or `@` is a formula to Excel and LibreOffice.
fn inert(text: &str) -> std::borrow::Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}").into(),
        _ => text.into(),
    }
}

fn encode(rows: &[SuppressionRow]) -> Result<Bytes, DbError> {
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::with_capacity(rows.len() * 96));
    for row in rows {
        let mailing = row.mailing_id.map(|id| id.to_string()).unwrap_or_default();
        let created = row.created_at.and_utc().to_rfc3339();
        writer
            .write_record([
                row.email.as_str(),
                row.reason.as_str(),
                &inert(&row.detail),
                &mailing,
                &created,
            ])
            .map_err(|e| DbError::Task(e.to_string()))?;
    }
    writer
        .into_inner()
        .map(Bytes::from)
        .map_err(|e| DbError::Task(e.to_string()))
}

/// The header, then every entry matching `filter` in `sort`'s order, as the list shows them.
pub fn stream(
    pool: DbPool,
    filter: SuppressionFilter,
    sort: Sort<SuppressionSort>,
) -> impl Stream<Item = Result<Bytes, DbError>> {
    let header = stream::once(async { Ok(Bytes::from_static(HEADER.as_bytes())) });
    let pages = stream::try_unfold(Some(After::Start), move |after| {
        let pool = pool.clone();
        let filter = filter.clone();
        async move {
            let Some(after) = after else { return Ok(None) };
            let rows = blocking(&pool, move |conn| {
                Ok::<_, DbError>(suppressions::page(conn, &filter, sort, &after, PAGE)?)
            })
            .await?;
            if rows.is_empty() {
                return Ok(None);
            }
            let next = if (rows.len() as i64) < PAGE {
                None
            } else {
                rows.last()
                    .map(|(row, email_lower)| After::row(sort, row, email_lower))
            };
            let rows: Vec<SuppressionRow> = rows.into_iter().map(|(row, _)| row).collect();
            Ok(Some((encode(&rows)?, next)))
        }
    });
    futures_util::StreamExt::chain(header, pages)
}
