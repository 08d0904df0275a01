//! Runs diesel's blocking work off the async executor.

use diesel::r2d2;

use super::{DbConnection, DbPool};

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("no database connection was free in time: {0}")]
    Pool(#[from] r2d2::PoolError),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    #[error("the database task did not finish: {0}")]
    Task(String),
    /// A stored value the application cannot read (an unknown state name, say).
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
}

impl DbError {
    /// A unique index refused the write (an address already taken, say).
    pub fn is_unique_violation(&self) -> bool {
        matches!(
            self,
            DbError::Query(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _
            ))
        )
    }
}

/// Runs `f` with a pooled connection on the blocking thread pool.
pub async fn blocking<T, E, F>(pool: &DbPool, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<DbError> + Send + 'static,
{
    let pool = pool.clone();
    actix_web::rt::task::spawn_blocking(move || {
        let mut conn = pool.get().map_err(DbError::from)?;
        f(&mut conn)
    })
    .await
    .map_err(|e| E::from(DbError::Task(e.to_string())))?
}
