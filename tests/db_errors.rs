//! Database errors as users read them: each common kind of trouble (unreachable, duplicate
//! key, broken reference, busy, tables of another version, missing row) is told in bokmål
//! and English, and the database's own English text, with the values it quotes, is never
//! shown. The errors are real ones, from SQLite (always) and PostgreSQL (when a server can
//! be reached).

use klynge::app::{AppError, ErrorKind};
use klynge::i18n::Lang;
use klynge::store::{Store, StoreError, Trouble};
use sqlx::{AnyPool, Connection, Executor};

mod common;
use common::pg::pg_database;

/// A personal value the failing statements quote: it must not reach the user.
const PERSONAL: &str = "Kari Bakken";

/// What the database itself says, in any of the errors below: none of it may be shown.
const RAW: &[&str] = &[
    "database error",
    "error returned from database",
    "UNIQUE",
    "constraint",
    "duplicate key",
    "FOREIGN KEY",
    "foreign key",
    "no such table",
    "relation",
    "locked",
    "Connection refused",
    "unable to open",
    "previously applied",
    "no rows",
    PERSONAL,
];

/// `e` is told as `trouble`, and its texts in both languages, for the terminal and for
/// the service, contain `nb` / `en` and nothing the database said.
fn told(e: StoreError, trouble: Trouble, nb: &str, en: &str) -> AppError {
    let raw = format!("{e:?}");
    assert_eq!(e.trouble(), trouble, "{raw}");
    let e = AppError::from(e);
    for terminal in [true, false] {
        for (lang, want) in [(Lang::Nb, nb), (Lang::En, en)] {
            let text = e.render(lang, terminal);
            assert!(
                text.to_lowercase().contains(&want.to_lowercase()),
                "{trouble:?} in {lang} (terminal: {terminal}): «{text}» lacks «{want}»; the error: {raw}"
            );
            for r in RAW {
                assert!(
                    !text.contains(r),
                    "{trouble:?} in {lang}: «{text}» shows the database's «{r}»"
                );
            }
        }
    }
    e
}

/// The store's error for a statement that fails.
async fn fails(pool: &AnyPool, sql: &str) -> StoreError {
    let e = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(pool)
        .await
        .expect_err(sql);
    StoreError::from(e)
}

/// A table with a unique name and one that refers to it, with a row quoting a person.
async fn tables(pool: &AnyPool) {
    pool.execute("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL)")
        .await
        .expect("people");
    pool.execute(
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, person INTEGER NOT NULL REFERENCES people (id))",
    )
    .await
    .expect("notes");
    pool.execute(sqlx::AssertSqlSafe(format!(
        "INSERT INTO people (id, name) VALUES (1, '{PERSONAL}')"
    )))
    .await
    .expect("a person");
}

/// The troubles both backends give alike: duplicate, reference, missing table, no row.
async fn common_troubles(pool: &AnyPool) {
    tables(pool).await;
    let dup = fails(
        pool,
        &format!("INSERT INTO people (id, name) VALUES (2, '{PERSONAL}')"),
    )
    .await;
    let e = told(dup, Trouble::Duplicate, "finnes allerede", "stored already");
    assert_eq!(e.kind(), ErrorKind::Conflict);
    let dangling = fails(pool, "INSERT INTO notes (id, person) VALUES (1, 99)").await;
    told(
        dangling,
        Trouble::Reference,
        "viser til noe som ikke finnes",
        "refers to something that does not exist",
    );
    let gone = fails(pool, "SELECT * FROM no_such_table").await;
    let e = told(
        gone,
        Trouble::Schema,
        "passer ikke til denne versjonen",
        "does not fit this version",
    );
    assert_eq!(e.kind(), ErrorKind::Internal);
    let none = sqlx::query("SELECT name FROM people WHERE id = 42")
        .fetch_one(pool)
        .await
        .err()
        .expect("no such row");
    let e = told(
        StoreError::from(none),
        Trouble::Missing,
        "fant ikke",
        "not found",
    );
    assert_eq!(e.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn sqlite_errors_are_told_by_kind_in_both_languages() {
    sqlx::any::install_default_drivers();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("e.db");
    let url = format!("sqlite://{}?mode=rwc", file.display());
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .after_connect(|conn, _| {
            Box::pin(async move {
                conn.execute("PRAGMA foreign_keys = ON").await?;
                Ok(())
            })
        })
        .connect(&url)
        .await
        .expect("pool");
    common_troubles(&pool).await;

    // Busy: another connection holds the write lock, and this one does not wait.
    let mut holder = sqlx::AnyConnection::connect(&url).await.expect("holder");
    holder.execute("BEGIN IMMEDIATE").await.expect("lock");
    let mut other = sqlx::AnyConnection::connect(&url).await.expect("other");
    other
        .execute("PRAGMA busy_timeout = 0")
        .await
        .expect("no wait");
    let busy = other.execute("BEGIN IMMEDIATE").await.expect_err("busy");
    let e = told(StoreError::from(busy), Trouble::Busy, "opptatt", "busy");
    assert_eq!(e.kind(), ErrorKind::Conflict);
    holder.execute("ROLLBACK").await.expect("unlock");
    pool.close().await;

    // Unreachable: a SQLite file in a folder that does not exist.
    let nowhere = dir.path().join("no/such/folder/k.db");
    let e = Store::open(&nowhere.display().to_string())
        .await
        .err()
        .expect("cannot open");
    told(e, Trouble::Unreachable, "kan ikke nås", "cannot be reached");

    // Migrations of another version: one applied migration is not the one this klynge has.
    let db = dir.path().join("k.db").display().to_string();
    Store::open(&db).await.expect("a store").close().await;
    let raw = AnyPool::connect(&klynge::store::database_url(&db))
        .await
        .expect("raw");
    raw.execute("UPDATE _sqlx_migrations SET checksum = X'00' WHERE version = 1")
        .await
        .expect("tamper");
    raw.close().await;
    let e = Store::open(&db).await.err().expect("refused");
    assert!(matches!(e, StoreError::Migrate(_)), "{e:?}");
    let e = told(
        e,
        Trouble::Schema,
        "passer ikke til denne versjonen",
        "does not fit this version",
    );
    assert!(
        e.render(Lang::Nb, true).contains("en annen versjon"),
        "the operator is told what to do"
    );
    assert_eq!(e.kind(), ErrorKind::Internal);
}

#[tokio::test]
async fn postgres_errors_are_told_by_kind_in_both_languages() {
    // Unreachable: nothing listens on port 1. (The store's pool would try again until its
    // timeout and then say so, which is told alike; one connection says it at once.)
    sqlx::any::install_default_drivers();
    let refused = sqlx::AnyConnection::connect("postgres://postgres@127.0.0.1:1/none")
        .await
        .expect_err("refused");
    told(
        StoreError::from(refused),
        Trouble::Unreachable,
        "kan ikke nås",
        "cannot be reached",
    );
    told(
        StoreError::from(sqlx::Error::PoolTimedOut),
        Trouble::Unreachable,
        "kan ikke nås",
        "cannot be reached",
    );
    let Some(pg) = pg_database().await else {
        return;
    };
    let pool = AnyPool::connect(&pg.url).await.expect("pool");
    common_troubles(&pool).await;
    // Busy: a row locked by another transaction, taken with NOWAIT.
    let mut holder = pool.begin().await.expect("begin");
    sqlx::query("SELECT * FROM people WHERE id = 1 FOR UPDATE")
        .fetch_all(&mut *holder)
        .await
        .expect("lock");
    let mut other = pool.begin().await.expect("begin");
    let busy = sqlx::query("SELECT * FROM people WHERE id = 1 FOR UPDATE NOWAIT")
        .fetch_all(&mut *other)
        .await
        .err()
        .expect("busy");
    told(StoreError::from(busy), Trouble::Busy, "opptatt", "busy");
    drop(other);
    drop(holder);
    pool.close().await;
    pg.finish().await;
}
