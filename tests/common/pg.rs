//! A throwaway PostgreSQL database per test, on the server `KLYNGE_TEST_POSTGRES` names
//! (default postgres://postgres@127.0.0.1:5432/postgres). Where none answers, the test
//! says so loudly and skips.

/// A throwaway PostgreSQL database, dropped on `finish`.
pub struct PgDb {
    admin: String,
    name: String,
    pub url: String,
}

pub async fn pg_database() -> Option<PgDb> {
    sqlx::any::install_default_drivers();
    let admin = std::env::var("KLYNGE_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let conn = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        sqlx::AnyPool::connect(&admin),
    )
    .await;
    let pool = match conn {
        Ok(Ok(p)) => p,
        other => {
            let why = match other {
                Ok(Err(e)) => e.to_string(),
                _ => "timed out".into(),
            };
            eprintln!(
                "\n!!!!! SKIPPING PostgreSQL store test: no server at {admin} ({why}) !!!!!\n"
            );
            return None;
        }
    };
    let name = format!("klynge_test_{}_{}", std::process::id(), rand_suffix());
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&pool)
        .await
        .expect("create db");
    pool.close().await;
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
    Some(PgDb {
        url: format!("{base}/{name}"),
        admin,
        name,
    })
}

impl PgDb {
    pub async fn finish(self) {
        let pool = sqlx::AnyPool::connect(&self.admin).await.expect("admin");
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        )))
        .execute(&pool)
        .await
        .expect("drop db");
        pool.close().await;
    }
}

fn rand_suffix() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64),
    );
    h.finish() % 1_000_000_000
}
