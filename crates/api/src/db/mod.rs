//! The database: one diesel connection type over PostgreSQL and SQLite, its pool and migrations.
//!
//! Everything above this module speaks `DbConnection` and never asks which backend it got; the few
//! statements that must differ per backend are matched here and in `queries`, nowhere else.

pub mod queries;
pub mod rows;
pub mod schema;

mod migrations;
pub mod pool;
mod run;

pub use migrations::{MigrationError, revert_all_migrations, run_migrations};
pub use pool::{Backend, DatabaseUrl, DbPool, PooledConn, connect};
pub use run::{DbError, run};

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
