//! Storage: runs, their input and their rota, in SQLite (embedded default) or PostgreSQL.
//!
//! One schema and one set of migrations serve both, through `sqlx::Any`; so every value is
//! a bool-free primitive (flags as SMALLINT, dates as ISO text, figures as JSON text). A run
//! is written in one transaction: all of it is there, or none of it.

mod audit;
mod data;
mod jobs;
mod outbox;
mod privacy;
mod runs;
mod service;

pub use audit::AuditEntry;
pub use data::Change;
pub use jobs::{Job, Reason};
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
