//! The database: one diesel connection type over PostgreSQL and SQLite, its pool and migrations.
//!
//! Everything above this module speaks `DbConnection` and never asks which backend it got; the few
//! statements that must differ per backend are matched here and in `queries`, nowhere else.

pub mod queries;
pub mod rows;
pub mod schema;

mod blocking;
mod migrations;
pub mod pool;
mod transaction;

pub use blocking::{DbError, blocking};
pub use migrations::{MigrationError, revert_all_migrations, run_migrations};
pub use pool::{Backend, DatabaseUrl, DbPool, PooledConn, connect, establish_postgres};
pub use transaction::write_transaction;

use diesel::{PgConnection, SqliteConnection};

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(PgConnection),
    // Last on purpose: SQLite accepts nearly any string as a file name.
    Sqlite(SqliteConnection),
}

impl DbConnection {
    pub fn backend(&self) -> Backend {
        match self {
            DbConnection::Postgres(_) => Backend::Postgres,
            DbConnection::Sqlite(_) => Backend::Sqlite,
        }
    }
}

/// Lets PostgreSQL reuse generic plans for the rest of the current transaction. Connections force
/// a fresh plan per execution (list queries filter on owners of very different sizes), but the
/// sending engine's statements are key lookups run thousands of times a second, where planning
/// every time cost a fifth of the throughput. Must run inside a transaction; SQLite needs nothing.
pub fn use_generic_plans(conn: &mut DbConnection) -> diesel::QueryResult<()> {
    use diesel::RunQueryDsl;
    match conn {
        DbConnection::Postgres(pg) => diesel::sql_query("SET LOCAL plan_cache_mode = auto")
            .execute(pg)
            .map(|_| ()),
        DbConnection::Sqlite(_) => Ok(()),
    }
}
