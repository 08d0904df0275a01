//! Every SQL statement the application runs, grouped by table. Handlers never build queries.

pub mod attempts;
pub mod audiences;
pub mod audit;
pub mod clients;
pub mod deliveries;
pub mod events;
pub mod housekeeping;
pub mod idempotency;
pub mod inbound;
pub mod jobs;
pub mod mailings;
pub mod messages;
pub mod picked;
pub mod prepared;
pub mod recipients;
pub mod runs;
pub mod stats;
pub mod suppressions;
pub mod tags;
pub mod tokens;
pub mod users;
pub mod webhook_deliveries;
pub mod webhooks;

/// The backend type of the multi-connection, for boxed queries.
pub type Backend = <crate::db::DbConnection as diesel::Connection>::Backend;

diesel::define_sql_function! {
    /// SQL `lower()`, for the case-insensitive unique indexes on email columns.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

diesel::define_sql_function! {
    /// Lower case by Unicode's rules, registered on every SQLite connection: SQLite's own
    /// `lower()` folds ASCII only, so "Иван" would never match a search for "иван". Searches use
    /// it on SQLite; PostgreSQL's `lower()` already folds Unicode (and its indexes use it).
    fn unicode_lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// A `LIKE` pattern matching `text` anywhere, with its wildcards escaped (escape character `\`).
pub fn contains_pattern(text: &str) -> String {
    // A NUL can match nothing, and PostgreSQL refuses it in a parameter.
    let escaped = text
        .replace('\0', "")
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Gives the connection the temporary table `name`, empty: created on its first use (with the
/// columns each backend is given), emptied by every commit on PostgreSQL (a truncation:
/// autovacuum never cleans temporary tables) and here on SQLite. Temporary tables are the
/// session's own, so other connections never see their rows. Call inside the transaction that
/// fills and reads it.
pub(crate) fn empty_temporary_table(
    conn: &mut crate::db::DbConnection,
    name: &str,
    postgres_columns: &str,
    sqlite_columns: &str,
) -> diesel::QueryResult<()> {
    use diesel::connection::SimpleConnection;
    match conn {
        crate::db::DbConnection::Postgres(pg) => pg.batch_execute(&format!(
            "CREATE TEMPORARY TABLE IF NOT EXISTS {name} ({postgres_columns}) ON COMMIT DELETE ROWS;"
        )),
        crate::db::DbConnection::Sqlite(sqlite) => sqlite.batch_execute(&format!(
            "CREATE TEMPORARY TABLE IF NOT EXISTS {name} ({sqlite_columns}); DELETE FROM {name};"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::contains_pattern;

    #[test]
    fn like_wildcards_in_a_search_are_taken_literally() {
        assert_eq!(contains_pattern("Ann_50%"), "%ann\\_50\\%%");
    }
}
