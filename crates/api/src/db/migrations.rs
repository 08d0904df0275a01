//! Embedded migrations, one folder per backend, applied at start-up and by `mailroom migrate`.

use diesel::connection::SimpleConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::DbConnection;

const POSTGRES: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");
const SQLITE: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");

/// Any fixed number works; it only has to be the same in every Mailroom process.
const MIGRATION_LOCK_KEY: i64 = 0x6d61_696c_726f_6f6d; // "mailroom"

pub type MigrationError = Box<dyn std::error::Error + Send + Sync>;

/// Applies every pending migration and returns the versions it applied.
///
/// On PostgreSQL several API and worker processes may start at once: an advisory lock makes them
/// take turns, so each migration runs exactly once.
pub fn run_migrations(conn: &mut DbConnection) -> Result<Vec<String>, MigrationError> {
    let applied = match conn {
        DbConnection::Postgres(pg) => {
            pg.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))?;
            let result = pg.run_pending_migrations(POSTGRES).map(versions);
            pg.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))?;
            result?
        }
        DbConnection::Sqlite(sqlite) => sqlite.run_pending_migrations(SQLITE).map(versions)?,
    };
    Ok(applied)
}

/// Reverts every migration: used by the tests that prove the down migrations work.
pub fn revert_all_migrations(conn: &mut DbConnection) -> Result<Vec<String>, MigrationError> {
    let reverted = match conn {
        DbConnection::Postgres(pg) => pg.revert_all_migrations(POSTGRES).map(versions)?,
        DbConnection::Sqlite(sqlite) => sqlite.revert_all_migrations(SQLITE).map(versions)?,
    };
    Ok(reverted)
}

fn versions(list: Vec<diesel::migration::MigrationVersion<'_>>) -> Vec<String> {
    list.into_iter().map(|v| v.to_string()).collect()
}
