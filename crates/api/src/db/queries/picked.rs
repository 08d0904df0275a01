//! The clients one bulk change acts on, picked once into a temporary table of the connection.
//!
//! A filter is a boxed query (its conditions vary), and diesel's multi-connection cannot nest a
//! boxed query inside another statement: a `DELETE … WHERE id IN (…)` of it does not exist. So a
//! change first copies the matching ids into `picked_clients` with one `INSERT … SELECT`, and
//! every statement after that reads the ids from there, all inside the database.

use diesel::prelude::*;

use super::clients::{ClientFilter, matching};
use super::empty_temporary_table;
use crate::db::DbConnection;
use crate::db::schema::{client_tags, clients, tags};

diesel::table! {
    /// Temporary: created per connection by [`pick`], never by a migration.
    picked_clients (id) {
        id -> BigInt,
    }
}

diesel::allow_tables_to_appear_in_same_query!(picked_clients, clients);
diesel::allow_tables_to_appear_in_same_query!(picked_clients, client_tags);
diesel::allow_tables_to_appear_in_same_query!(picked_clients, tags);

/// Creates the table on the connection's first use, empty, then fills it with the ids of the
/// clients matching `filter`; how many. Call inside the write transaction that uses it.
pub fn pick(conn: &mut DbConnection, filter: &ClientFilter) -> QueryResult<usize> {
    empty_temporary_table(
        conn,
        "picked_clients",
        "id BIGINT PRIMARY KEY",
        "id INTEGER PRIMARY KEY",
    )?;
    let matching = matching(conn, filter)?.query().select(clients::id);
    diesel::insert_into(picked_clients::table)
        .values(matching)
        .into_columns(picked_clients::id)
        .execute(conn)
}

/// Deletes every picked client in one statement; how many went.
pub fn delete_clients(conn: &mut DbConnection) -> QueryResult<usize> {
    let picked = picked_clients::table.select(picked_clients::id);
    diesel::delete(clients::table.filter(clients::id.eq_any(picked))).execute(conn)
}
