//! Opening connections: which backend a URL names, the per-connection settings, the r2d2 pool.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{self, ManageConnection, R2D2Connection};
use diesel::{Connection, ConnectionResult, PgConnection, SqliteConnection};

use super::DbConnection;

pub type DbPool = r2d2::Pool<DbConnectionManager>;
pub type PooledConn = r2d2::PooledConnection<DbConnectionManager>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Postgres => "postgres",
            Backend::Sqlite => "sqlite",
        }
    }
}

/// A `DATABASE_URL` whose backend is known from its scheme.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    backend: Backend,
    url: String,
}

#[derive(Debug, thiserror::Error)]
pub enum DatabaseUrlError {
    #[error(
        "DATABASE_URL must start with postgres://, postgresql:// or sqlite:// (got '{0}'); \
         a SQLite file is written sqlite://path/to/file.db"
    )]
    UnknownScheme(String),
    #[error("DATABASE_URL {0} names no SQLite file")]
    EmptySqlitePath(String),
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<Self, DatabaseUrlError> {
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else if let Some(rest) = url.strip_prefix("sqlite://") {
            if rest.split('?').next().unwrap_or_default().is_empty() {
                return Err(DatabaseUrlError::EmptySqlitePath(url.to_owned()));
            }
            Backend::Sqlite
        } else {
            return Err(DatabaseUrlError::UnknownScheme(redact(url)));
        };
        Ok(Self {
            backend,
            url: url.to_owned(),
        })
    }

    pub fn sqlite_file(path: &Path) -> Self {
        Self {
            backend: Backend::Sqlite,
            url: format!("sqlite://{}", path.display()),
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn expose(&self) -> &str {
        &self.url
    }

    /// The SQLite database file, for creating its folder before the first connection.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        let rest = self.url.strip_prefix("sqlite://")?;
        Some(PathBuf::from(rest.split('?').next().unwrap_or(rest)))
    }
}

/// Hides a password in a URL so it can be logged.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact(&self.url))
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

/// Connects to PostgreSQL, with OpenSSL (which libpq encrypts with) told first never to tear itself
/// down at exit: libpq would start it with an `atexit` clean-up, which frees what a pooled connection
/// still being dropped on another thread uses, so that one exit in ten or so died of SIGSEGV after
/// its work was done (`mailroom bounce` then answered the MTA 139 instead of 0).
pub fn establish_postgres(url: &str) -> ConnectionResult<PgConnection> {
    openssl_sys::init();
    PgConnection::establish(url)
}

/// Opens connections of the backend the URL names, so a refused PostgreSQL connection reports its
/// real cause instead of falling through to another variant of the multi-connection.
#[derive(Debug)]
pub struct DbConnectionManager {
    url: DatabaseUrl,
}

/// How long a writer waits for SQLite's lock before giving up with "database is locked".
const SQLITE_BUSY_TIMEOUT_MS: u32 = 5_000;

impl ManageConnection for DbConnectionManager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        let url = self.url.expose();
        let mut conn = match self.url.backend {
            Backend::Postgres => establish_postgres(url).map(DbConnection::Postgres),
            Backend::Sqlite => SqliteConnection::establish(url).map(DbConnection::Sqlite),
        }
        .map_err(r2d2::Error::ConnectionError)?;
        match &mut conn {
            // Timestamps are stored without a zone and are always UTC, database defaults included.
            // Custom plans always: diesel caches prepared statements, and a generic plan chosen
            // while a table was small (a seq scan) would stay once it holds 100,000 rows.
            DbConnection::Postgres(pg) => {
                pg.batch_execute("SET TIME ZONE 'UTC'; SET plan_cache_mode = force_custom_plan")
            }
            // The busy timeout first: switching to WAL takes a lock, and a connection opened
            // while another process writes would otherwise fail at once ("database is locked").
            DbConnection::Sqlite(sqlite) => sqlite
                .batch_execute(&format!(
                    "PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}; \
                     PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = NORMAL; \
                     PRAGMA foreign_keys = ON;"
                ))
                .and_then(|()| {
                    super::queries::unicode_lower_utils::register_impl(sqlite, |text: String| {
                        text.to_lowercase()
                    })
                }),
        }
        .map_err(r2d2::Error::QueryError)?;
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        std::thread::panicking() || conn.is_broken()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("cannot create the folder {path} for the SQLite database")]
    CreateFolder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot connect to the database at {url}: {cause}")]
    Unreachable { url: String, cause: String },
}

/// Builds the pool and opens its first connection, so a wrong URL fails at start-up with its cause.
pub fn connect(url: &DatabaseUrl, max_size: u32) -> Result<DbPool, ConnectError> {
    if let Some(parent) = url.sqlite_path().as_deref().and_then(Path::parent)
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent).map_err(|source| ConnectError::CreateFolder {
            path: parent.to_owned(),
            source,
        })?;
    }
    let manager = DbConnectionManager { url: url.clone() };
    // Probe once by hand: r2d2 would retry until its timeout and report only "timed out".
    let first = manager.connect().map_err(|e| ConnectError::Unreachable {
        url: url.to_string(),
        cause: e.to_string(),
    })?;
    drop(first);
    let pool = r2d2::Pool::builder()
        .max_size(max_size)
        .connection_timeout(Duration::from_secs(10))
        .test_on_check_out(false)
        .build_unchecked(manager);
    Ok(pool)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scheme_picks_the_backend() {
        let pg = DatabaseUrl::parse("postgres://u:p@localhost/db").expect("valid");
        assert_eq!(pg.backend(), Backend::Postgres);
        let pg2 = DatabaseUrl::parse("postgresql://localhost/db").expect("valid");
        assert_eq!(pg2.backend(), Backend::Postgres);
        let lite = DatabaseUrl::parse("sqlite://data/mailroom.db?mode=rwc").expect("valid");
        assert_eq!(lite.backend(), Backend::Sqlite);
        assert_eq!(lite.sqlite_path(), Some(PathBuf::from("data/mailroom.db")));
    }

    #[test]
    fn an_unknown_scheme_is_refused_with_the_password_hidden() {
        let err = DatabaseUrl::parse("mysql://root:secret@db/x").expect_err("refused");
        let message = err.to_string();
        assert!(message.contains("mysql://root:***@db/x"), "{message}");
        assert!(!message.contains("secret"));
    }

    #[test]
    fn an_empty_sqlite_path_is_refused() {
        assert!(DatabaseUrl::parse("sqlite://").is_err());
    }

    #[test]
    fn displaying_a_url_hides_its_password() {
        let url = DatabaseUrl::parse("postgres://app:hunter2@db:5432/mailroom").expect("valid");
        assert_eq!(url.to_string(), "postgres://app:***@db:5432/mailroom");
    }
}
