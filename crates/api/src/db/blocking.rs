//! Runs diesel's blocking work off the async executor.

use diesel::r2d2;

use super::{DbConnection, DbPool};

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("no database connection was free in time: {0}")]
    Pool(#[from] r2d2::PoolError),
    /// With its causes: "Error deserializing field 'state': 'frozen' is not a valid UserState".
    #[error("{}", with_causes(.0))]
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

fn with_causes(error: &diesel::result::Error) -> String {
    let mut text = error.to_string();
    let mut cause = std::error::Error::source(error);
    while let Some(c) = cause {
        let cause_text = c.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        cause = c.source();
    }
    text
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
