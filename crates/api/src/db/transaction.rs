//! Transactions that write.

use diesel::connection::{AnsiTransactionManager, Connection, TransactionManager};
use diesel::result::Error;

use super::DbConnection;

/// Runs `f` in a transaction that writes (a savepoint when one is open already).
///
/// On SQLite the write lock is taken at `BEGIN IMMEDIATE`. A deferred transaction that reads
/// and then writes cannot wait for the lock when another connection wrote meanwhile: SQLite
/// fails it at once with "database is locked", busy timeout or not, and a worker sending in the
/// same process writes often. Taking the lock first makes such a transaction wait its turn.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<Error>,
{
    let DbConnection::Sqlite(sqlite) = conn else {
        return conn.transaction(f);
    };
    if AnsiTransactionManager::transaction_manager_status_mut(sqlite)
        .transaction_depth()?
        .is_some()
    {
        return conn.transaction(f);
    }
    AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?;
    // The multi-connection's manager commits or rolls back through the SQLite connection's own,
    // which now knows of the transaction begun above.
    type Manager = <DbConnection as Connection>::TransactionManager;
    match f(conn) {
        Ok(value) => {
            Manager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(error) => {
            Manager::rollback_transaction(conn)?;
            Err(error)
        }
    }
}
