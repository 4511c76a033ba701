//! Storage: runs, their input and their rota, in SQLite (embedded default) or PostgreSQL.
//!
//! One schema and one set of migrations serve both, through `sqlx::Any`; so every value is
//! a bool-free primitive (flags as SMALLINT, dates as ISO text, figures as JSON text). A run
//! is written in one transaction: all of it is there, or none of it.

mod audit;
mod data;
mod jobs;
mod links;
mod outbox;
mod privacy;
mod runs;
mod service;
mod sessions;

pub use audit::AuditEntry;
pub use data::Change;
pub use jobs::{Job, Reason};
pub use links::{LinkState, LinkUse};
pub use outbox::{NewMessage, OutboxEntry, RecipientKind};
pub use privacy::ERASED;
pub use runs::NewRun;
pub use service::{LiveRequest, Principal, Role};

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Row};

pub use crate::run::{Run, RunSummary};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("no run with id {0}")]
    NotFound(i64),
    #[error("no job with id {0}")]
    NoJob(i64),
    #[error("stored data cannot be read: {0}")]
    Corrupt(String),
}

type Result<T> = std::result::Result<T, StoreError>;

/// What kind of trouble a database error is, in terms a user can act on. The database's
/// own text (English, and quoting values that may be personal data) stays out of what
/// users read: they get the kind, said in their language (`app::error`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trouble {
    /// The database cannot be reached or opened, or refused the connection.
    Unreachable,
    /// A record with the same key is stored already.
    Duplicate,
    /// A record refers to one that does not exist, or one still referred to was removed.
    Reference,
    /// Others hold the database (locked, busy, a conflicting transaction): trying again
    /// later may work.
    Busy,
    /// The database's tables are not the ones this version of klynge expects: a missing
    /// table or column, or migrations of another version.
    Schema,
    /// A record that should be there is not.
    Missing,
    /// Anything else (stored data that cannot be read, an unexpected error).
    Other,
}

impl StoreError {
    pub fn trouble(&self) -> Trouble {
        match self {
            StoreError::Db(e) => sqlx_trouble(e),
            StoreError::Migrate(m) => migrate_trouble(m),
            StoreError::NotFound(_) | StoreError::NoJob(_) => Trouble::Missing,
            StoreError::Corrupt(_) => Trouble::Other,
        }
    }
}

fn migrate_trouble(m: &sqlx::migrate::MigrateError) -> Trouble {
    use sqlx::migrate::MigrateError;
    match m {
        // A migration that could not run: the database's own trouble if it is one
        // (unreachable, busy), else the tables are not what the migration expects.
        MigrateError::Execute(e) | MigrateError::ExecuteMigration(e, _) => match sqlx_trouble(e) {
            Trouble::Other => Trouble::Schema,
            t => t,
        },
        _ => Trouble::Schema,
    }
}

fn sqlx_trouble(e: &sqlx::Error) -> Trouble {
    use sqlx::error::ErrorKind;
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Configuration(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => Trouble::Unreachable,
        sqlx::Error::RowNotFound => Trouble::Missing,
        sqlx::Error::ColumnNotFound(_) | sqlx::Error::TypeNotFound { .. } => Trouble::Schema,
        sqlx::Error::Migrate(m) => migrate_trouble(m),
        sqlx::Error::Database(db) => match db.kind() {
            ErrorKind::UniqueViolation => Trouble::Duplicate,
            ErrorKind::ForeignKeyViolation => Trouble::Reference,
            _ => code_trouble(db.code().as_deref().unwrap_or(""), db.message()),
        },
        _ => Trouble::Other,
    }
}

/// A database error by its code: SQLite's (extended) result codes are numbers,
/// PostgreSQL's SQLSTATEs five characters.
fn code_trouble(code: &str, message: &str) -> Trouble {
    if let Ok(n) = code.parse::<i32>() {
        // SQLite's primary result code is the extended code's low byte.
        return match n & 0xff {
            // SQLITE_BUSY, SQLITE_LOCKED
            5 | 6 => Trouble::Busy,
            // SQLITE_READONLY, SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_NOTADB
            8 | 10 | 14 | 26 => Trouble::Unreachable,
            // SQLITE_CONSTRAINT_FOREIGNKEY, _PRIMARYKEY, _UNIQUE (when the kind misses)
            19 if n == 787 => Trouble::Reference,
            19 if n == 1555 || n == 2067 => Trouble::Duplicate,
            // SQLITE_ERROR: a table or column that is not there
            1 if message.starts_with("no such table") || message.starts_with("no such column") => {
                Trouble::Schema
            }
            _ => Trouble::Other,
        };
    }
    match code {
        "23505" => Trouble::Duplicate,
        "23503" => Trouble::Reference,
        // serialization failure, deadlock, lock not available, object in use
        "40001" | "40P01" | "55P03" | "55006" => Trouble::Busy,
        // undefined table, column, function
        "42P01" | "42703" | "42883" => Trouble::Schema,
        // connection exceptions, authorisation, insufficient resources, shutdown
        c if c.starts_with("08")
            || c.starts_with("28")
            || c.starts_with("53")
            || c.starts_with("57P") =>
        {
            Trouble::Unreachable
        }
        _ => Trouble::Other,
    }
}

/// Turns what a user gives as `--db` into a database URL: URLs pass through, anything else
/// is a path to a SQLite file, created on first use.
pub fn database_url(db: &str) -> String {
    if db.starts_with("postgres://") || db.starts_with("postgresql://") {
        db.to_owned()
    } else if let Some(rest) = db.strip_prefix("sqlite:") {
        let path = rest.trim_start_matches("//");
        if path.contains("mode=") || path == ":memory:" {
            format!("sqlite://{path}")
        } else if path.contains('?') {
            format!("sqlite://{path}&mode=rwc")
        } else {
            format!("sqlite://{path}?mode=rwc")
        }
    } else {
        format!("sqlite://{db}?mode=rwc")
    }
}

pub struct Store {
    pool: AnyPool,
    is_sqlite: bool,
}

impl Store {
    /// Opens (and on first use creates) the database and applies pending migrations.
    pub async fn open(db: &str) -> Result<Store> {
        install_default_drivers();
        let url = database_url(db);
        let is_sqlite = url.starts_with("sqlite:");
        let pool = AnyPoolOptions::new()
            .max_connections(if is_sqlite { 4 } else { 8 })
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if is_sqlite {
                        // WAL lets readers work while a plan is written; the busy timeout
                        // makes concurrent writers wait instead of failing.
                        sqlx::query("PRAGMA journal_mode = WAL")
                            .execute(&mut *conn)
                            .await?;
                        sqlx::query("PRAGMA busy_timeout = 5000")
                            .execute(&mut *conn)
                            .await?;
                        sqlx::query("PRAGMA foreign_keys = ON")
                            .execute(&mut *conn)
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Store { pool, is_sqlite })
    }

    /// A transaction that will write. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`): a deferred transaction that reads first and writes later fails at once
    /// with SQLITE_BUSY when another writer got in between, whatever the busy timeout.
    async fn write_tx(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(if self.is_sqlite {
            self.pool.begin_with("BEGIN IMMEDIATE").await?
        } else {
            self.pool.begin().await?
        })
    }

    pub async fn close(self) {
        self.pool.close().await;
    }

    /// Number of rows in a table (for tests of atomicity).
    pub async fn count(&self, table: &str) -> Result<i64> {
        const TABLES: [&str; 14] = [
            "datasets",
            "associations",
            "instructors",
            "availability",
            "blackouts",
            "requests",
            "sessions",
            "scenarios",
            "runs",
            "run_stages",
            "assignments",
            "uncovered",
            "login_sessions",
            "outbox",
        ];
        let table = TABLES
            .iter()
            .find(|t| **t == table)
            .ok_or_else(|| StoreError::Corrupt(format!("no table {table}")))?;
        let sql = format!("SELECT COUNT(*) FROM {table}");
        Ok(sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?)
    }
}

fn from_json<T: serde::de::DeserializeOwned>(s: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// A serde enum's text form (e.g. `"milp"`).
fn enum_text<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Plain data as JSON text.
fn json<T: serde::Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).expect("plain data always serializes")
}
