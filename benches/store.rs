//! Writing a large run: 30,000 assignments in one transaction, on SQLite (embedded) and on
//! PostgreSQL (when `KLYNGE_TEST_POSTGRES` or the default local server answers).
//!
//!     cargo bench --bench store
//!
//! Issue 11's targets: ≤ 0.5 s on SQLite, ≤ 1 s on PostgreSQL (medians).

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use klynge::generate::generate;
use klynge::plan::{Assignment, Params, SolverKind, plan};
use klynge::store::{NewRun, Store};

const ASSIGNMENTS: usize = 30_000;

fn store(c: &mut Criterion) {
    sqlx::any::install_default_drivers();
    let ds = generate(3000, 1);
    let params = Params::default();
    let mut outcome = plan(&ds, &params, SolverKind::Greedy, &|_| {});
    // As many assignments as a national term may have, on the dataset's own ids.
    outcome.assignments = (0..ASSIGNMENTS)
        .map(|k| Assignment {
            request: ds.requests[k % ds.requests.len()].id.clone(),
            part: None,
            instructor: ds.instructors[(k / ds.requests.len()) % ds.instructors.len()]
                .id
                .clone(),
            km: (k % 100) as f64 + 0.5,
            minutes: (k % 90) as u32,
        })
        .collect();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut targets = vec![(
        "sqlite",
        dir.path().join("bench.db").display().to_string(),
        None,
    )];
    if let Some((url, admin, name)) = rt.block_on(postgres()) {
        targets.push(("postgres", url, Some((admin, name))));
    }
    let mut group = c.benchmark_group("store");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    for (name, url, _) in &targets {
        let store = rt.block_on(Store::open(url)).expect("open");
        let run = NewRun {
            scenario: "bench",
            dataset_name: "national",
            dataset: &ds,
            params: &params,
            outcome: &outcome,
            baseline: None,
        };
        // The dataset is stored once per hash: the first write pays for it, not the runs.
        rt.block_on(store.save_run(&run)).expect("first save");
        group.bench_function(format!("save_run_{ASSIGNMENTS}_{name}"), |b| {
            b.iter(|| rt.block_on(store.save_run(&run)).expect("save"))
        });
    }
    group.finish();
    for (_, _, pg) in targets {
        if let Some((admin, name)) = pg {
            rt.block_on(drop_database(&admin, &name));
        }
    }
}

/// A throwaway database on the local PostgreSQL server, if one answers.
async fn postgres() -> Option<(String, String, String)> {
    let admin = std::env::var("KLYNGE_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let pool =
        match tokio::time::timeout(Duration::from_secs(5), sqlx::AnyPool::connect(&admin)).await {
            Ok(Ok(p)) => p,
            _ => {
                eprintln!(
                    "\n!!!!! SKIPPING the PostgreSQL store benchmark: no server at {admin} !!!!!\n"
                );
                return None;
            }
        };
    let name = format!("klynge_bench_{}", std::process::id());
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&pool)
        .await
        .ok()?;
    pool.close().await;
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
    Some((format!("{base}/{name}"), admin, name))
}

async fn drop_database(admin: &str, name: &str) {
    if let Ok(pool) = sqlx::AnyPool::connect(admin).await {
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .execute(&pool)
        .await;
        pool.close().await;
    }
}

criterion_group!(benches, store);
criterion_main!(benches);
