//! CSV import: `email,full_name,comment,tags`. Good rows are applied even when others are bad;
//! every bad row is reported with its line and the reason.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use mailroom_domain::catalogue::{Arg, Explain, Msg, Said};
use mailroom_domain::client::ClientFields;
use mailroom_domain::tag::{MAX_TAGS_PER_CLIENT, TagName, key_of, split_list, tag_list};
use mailroom_domain::wire::{ImportReport, RejectedRow};

use crate::db::queries::{clients, tags};
use crate::db::rows::NewClient;
use crate::db::{DbConnection, DbError};

/// Rows written per transaction: big enough to be fast, small enough to keep locks short.
const BATCH: usize = 500;
/// Imports that add this many rows refresh the planner's statistics.
const STATISTICS_AFTER: u64 = 1_000;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{}", .0)]
    Unreadable(Said),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for ImportError {
    fn from(e: diesel::result::Error) -> Self {
        ImportError::Db(DbError::Query(e))
    }
}

struct Row {
    line: u64,
    client: ClientFields,
    tags: Vec<TagName>,
}

struct Columns {
    email: usize,
    full_name: Option<usize>,
    comment: Option<usize>,
    tags: Option<usize>,
    count: usize,
}

fn columns(header: &csv::ByteRecord) -> Result<Columns, ImportError> {
    let names: Vec<String> = header
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().to_lowercase())
        .collect();
    let position = |name: &str| names.iter().position(|n| n == name);
    let known = names
        .iter()
        .all(|n| ["email", "full_name", "comment", "tags"].contains(&n.as_str()));
    match position("email") {
        Some(email) if known => Ok(Columns {
            email,
            full_name: position("full_name"),
            comment: position("comment"),
            tags: position("tags"),
            count: names.len(),
        }),
        _ => Err(ImportError::Unreadable(Said::with(
            Msg::CsvHeader,
            [names.join(",")],
        ))),
    }
}

/// Several reasons as one: "email: …; tags: …".
fn both(reasons: impl Iterator<Item = Said>) -> Option<Said> {
    reasons.reduce(|first, next| Said {
        msg: Msg::Both,
        args: vec![Arg::Said(Box::new(first)), Arg::Said(Box::new(next))],
    })
}

/// Reads the file, keeping valid rows and the reasons for the others. Within the file an address
/// counts once: a later row with the same address is rejected as a duplicate.
fn parse(body: &[u8]) -> Result<(Vec<Row>, Vec<RejectedRow>), ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(body);
    let header = reader
        .byte_headers()
        .map_err(|e| ImportError::Unreadable(Said::with(Msg::CsvUnreadable, [e])))?
        .clone();
    if header.is_empty() || header.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
        return Err(ImportError::Unreadable(Said::new(Msg::CsvEmpty)));
    }
    let columns = columns(&header)?;
    let mut rows = Vec::new();
    let mut rejected = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut record = csv::ByteRecord::new();
    // Lines are counted from byte offsets: the reader's own count skips blank lines.
    let mut counted = (0_usize, 1_u64);
    let mut line_at = |byte: u64| {
        let byte = usize::try_from(byte).unwrap_or(body.len()).min(body.len());
        let (from, line) = counted;
        let more = body[from.min(byte)..byte]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64;
        counted = (byte, line + more);
        line + more
    };
    loop {
        let line = line_at(reader.position().byte());
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                rejected.push(RejectedRow::new(line, Said::with(Msg::RowUnreadable, [e])));
                continue;
            }
        }
        // A record's position is where reading began, before any blank lines it skipped.
        let start = record.position().map_or(0, csv::Position::byte);
        let skipped = body
            .iter()
            .skip(usize::try_from(start).unwrap_or(body.len()))
            .take_while(|b| **b == b'\n' || **b == b'\r')
            .count() as u64;
        let line = if record.position().is_some() {
            line_at(start + skipped)
        } else {
            line
        };
        if record.len() == 1 && record.get(0).is_some_and(<[u8]>::is_empty) {
            continue; // a blank line
        }
        if record.len() != columns.count {
            rejected.push(RejectedRow::new(
                line,
                Said::with(Msg::RowFieldCount, [columns.count, record.len()]),
            ));
            continue;
        }
        let field = |index: Option<usize>| -> Result<&str, Said> {
            match index.and_then(|i| record.get(i)) {
                Some(bytes) => std::str::from_utf8(bytes).map_err(|_| Said::new(Msg::RowNotUtf8)),
                None => Ok(""),
            }
        };
        let parsed = field(Some(columns.email)).and_then(|email| {
            let full_name = field(columns.full_name)?;
            let comment = field(columns.comment)?;
            let tags = tag_list(&split_list(field(columns.tags)?));
            match (ClientFields::parse(email, full_name, comment), tags) {
                (Ok(client), Ok(tags)) => Ok((client, tags)),
                (fields, tags) => {
                    let field = |name: &str, reason: Arg| Said {
                        msg: Msg::FieldInvalid,
                        args: vec![Arg::Text(name.to_owned()), reason],
                    };
                    let reasons = fields
                        .err()
                        .unwrap_or_default()
                        .into_iter()
                        .map(|e| {
                            let reason = e
                                .said
                                .map_or(Arg::Text(e.message), |said| Arg::Said(Box::new(said)));
                            field(&e.field, reason)
                        })
                        .chain(
                            tags.err()
                                .map(|e| field("tags", Arg::Said(Box::new(e.said())))),
                        );
                    Err(both(reasons).unwrap_or_else(|| Said::new(Msg::TitleValidation)))
                }
            }
        });
        match parsed {
            Err(reason) => rejected.push(RejectedRow::new(line, reason)),
            Ok((client, tags)) => {
                let key = client.email.normalized();
                if let Some(first) = seen.get(&key) {
                    rejected.push(RejectedRow::new(
                        line,
                        Said::with(
                            Msg::RowRepeated,
                            [client.email.to_string(), first.to_string()],
                        ),
                    ));
                } else {
                    seen.insert(key, line);
                    rows.push(Row { line, client, tags });
                }
            }
        }
    }
    Ok((rows, rejected))
}

/// Imports `body` into `owner_id`'s clients: new addresses are added, known ones get the row's
/// name and comment.
pub fn import(
    conn: &mut DbConnection,
    owner_id: i64,
    body: &[u8],
    now: NaiveDateTime,
) -> Result<ImportReport, ImportError> {
    let (rows, rejected) = parse(body)?;
    let mut report = ImportReport {
        created: 0,
        updated: 0,
        rejected,
    };
    for batch in rows.chunks(BATCH) {
        let applied = crate::db::write_transaction::<_, ImportError, _>(conn, |conn| {
            apply(conn, owner_id, batch, now)
        })?;
        report.created += applied.created;
        report.updated += applied.updated;
        report.rejected.extend(applied.rejected);
    }
    report.rejected.sort_by_key(|r| r.line);
    if report.created >= STATISTICS_AFTER {
        clients::refresh_statistics(conn)?;
    }
    Ok(report)
}

struct Applied {
    created: u64,
    updated: u64,
    rejected: Vec<RejectedRow>,
}

/// Whether a known client keeps within the tag limit once it gains the row's tags.
fn fits(held: Option<&Vec<String>>, row: &Row) -> bool {
    let held = held.map(Vec::as_slice).unwrap_or_default();
    let gained = row.tags.iter().filter(|t| !held.contains(&t.key())).count();
    held.len() + gained <= MAX_TAGS_PER_CLIENT
}

fn apply(
    conn: &mut DbConnection,
    owner_id: i64,
    batch: &[Row],
    now: NaiveDateTime,
) -> Result<Applied, ImportError> {
    // Before the tags are read: a tag change committed meanwhile would make the limit's check
    // stale.
    tags::lock_owner(conn, owner_id)?;
    let emails: Vec<String> = batch.iter().map(|r| r.client.email.normalized()).collect();
    let existing: HashMap<String, i64> = clients::ids_by_email(conn, owner_id, &emails)?
        .into_iter()
        .collect();
    let known: Vec<i64> = existing.values().copied().collect();
    let held: HashMap<i64, Vec<String>> = tags::of_clients(conn, &known)?
        .into_iter()
        .map(|(client, names)| (client, names.iter().map(|n| key_of(n)).collect()))
        .collect();
    let mut fresh = Vec::new();
    let mut tagged: Vec<(&str, &[TagName])> = Vec::new();
    let mut updated = 0;
    let mut rejected = Vec::new();
    for (row, email) in batch.iter().zip(&emails) {
        match existing.get(email) {
            Some(id) if !fits(held.get(id), row) => rejected.push(RejectedRow::new(
                row.line,
                Said::with(
                    Msg::RowTooManyTags,
                    [
                        row.client.email.to_string(),
                        MAX_TAGS_PER_CLIENT.to_string(),
                    ],
                ),
            )),
            Some(&id) => {
                clients::update_details(conn, id, &row.client.full_name, &row.client.comment, now)?;
                updated += 1;
                tagged.push((email, &row.tags));
            }
            None => {
                fresh.push(NewClient {
                    owner_id,
                    email: row.client.email.as_ref(),
                    full_name: &row.client.full_name,
                    comment: &row.client.comment,
                    created_at: now,
                    updated_at: now,
                });
                tagged.push((email, &row.tags));
            }
        }
    }
    let created = clients::insert_many(conn, &fresh)? as u64;
    tagged.retain(|(_, tags)| !tags.is_empty());
    if !tagged.is_empty() {
        let emails: Vec<String> = tagged.iter().map(|(e, _)| (*e).to_owned()).collect();
        let ids: HashMap<String, i64> = clients::ids_by_email(conn, owner_id, &emails)?
            .into_iter()
            .collect();
        let wanted: Vec<(i64, Vec<TagName>)> = tagged
            .iter()
            .filter_map(|(email, tags)| ids.get(*email).map(|id| (*id, tags.to_vec())))
            .collect();
        tags::add_to_clients(conn, owner_id, &wanted, now)?;
    }
    Ok(Applied {
        created,
        updated,
        rejected,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(rejected: &[RejectedRow]) -> Vec<u64> {
        rejected.iter().map(|r| r.line).collect()
    }

    #[test]
    fn quoted_fields_crlf_and_a_bom_are_read() {
        let body = "\u{feff}email,full_name,comment\r\nann@example.org,\"Lee, Ann\",\"said \"\"hi\"\"\"\r\nbob@example.org,Bob,\r\n";
        let (rows, rejected) = parse(body.as_bytes()).expect("parsed");
        assert!(rejected.is_empty(), "{rejected:?}");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].client.full_name, "Lee, Ann");
        assert_eq!(rows[0].client.comment, "said \"hi\"");
    }

    #[test]
    fn bad_rows_are_reported_with_their_line_and_reason_and_the_rest_kept() {
        let body = "email,full_name,comment\nann@example.org,Ann,\nnot-an-email,X,\nbob@example.org,Bob\n\nANN@example.org,Ann again,\ncid@example.org,Cid,ok\n";
        let (rows, rejected) = parse(body.as_bytes()).expect("parsed");
        assert_eq!(
            rows.iter()
                .map(|r| r.client.email.as_ref())
                .collect::<Vec<_>>(),
            ["ann@example.org", "cid@example.org"]
        );
        assert_eq!(lines(&rejected), [3, 4, 6]);
        assert_eq!(
            rejected[0].reason,
            "email: 'not-an-email' is not a valid email address"
        );
        assert_eq!(rejected[1].reason, "expected 3 fields, found 2");
        assert_eq!(
            rejected[2].reason,
            "ANN@example.org already appears on line 2"
        );
    }

    #[test]
    fn columns_may_come_in_any_order_and_only_email_is_required() {
        let (rows, _) = parse(b"comment,email\nvip,ann@example.org\n").expect("parsed");
        assert_eq!(rows[0].client.comment, "vip");
        assert_eq!(rows[0].client.full_name, "");
    }

    #[test]
    fn a_tags_field_lists_tags_separated_by_commas_and_bad_ones_reject_the_row() {
        let body = "email,tags\nann@example.org,\"vip, Fair,VIP\"\nbob@example.org,\ncid@example.org,\"ok, , too long tag name that goes on and on past fifty chars\"\n";
        let (rows, rejected) = parse(body.as_bytes()).expect("parsed");
        let names: Vec<&str> = rows[0].tags.iter().map(AsRef::as_ref).collect();
        assert_eq!(names, ["vip", "Fair"]);
        assert!(rows[1].tags.is_empty());
        assert_eq!(lines(&rejected), [4]);
        assert_eq!(
            rejected[0].reason,
            "tags: a tag may have at most 50 characters"
        );
    }

    #[test]
    fn a_wrong_header_or_an_empty_file_is_refused_whole() {
        assert!(matches!(
            parse(b""),
            Err(ImportError::Unreadable(Said {
                msg: Msg::CsvEmpty,
                ..
            }))
        ));
        let err = parse(b"mail,name\nann@example.org,Ann\n")
            .err()
            .expect("refused");
        assert_eq!(
            err.to_string(),
            "the header must name the column email and may name full_name, comment and tags (found: mail,name)"
        );
    }
}
