//! The store against both backends: SQLite (always) and PostgreSQL (when a server can be
//! reached; `KLYNGE_TEST_POSTGRES` names it, default postgres://postgres@127.0.0.1:5432/postgres).
//! Each PostgreSQL test works in a throwaway database that it drops afterwards.

use std::path::Path;

use klynge::ingest;
use klynge::plan::{self, Params, SolverKind};
use klynge::store::{NewRun, Store, StoreError};

mod common;
use common::pg::pg_database;

fn pilot() -> klynge::model::Dataset {
    ingest::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/trondelag"))
        .expect("pilot loads")
}

fn params() -> Params {
    Params {
        time_limit_s: 20.0,
        threads: 1,
        ..Params::default()
    }
}

/// A run round-trips: figures, rota, reasons, stages and the exact input.
async fn round_trip(url: &str) {
    let store = Store::open(url).await.expect("open");
    let ds = pilot();
    let p = params();
    let o = plan::plan(&ds, &p, SolverKind::Milp, &|_| {});
    let greedy = plan::plan(&ds, &p, SolverKind::Greedy, &|_| {}).figures;
    let run = |scenario| NewRun {
        scenario,
        dataset_name: "trondelag",
        dataset: &ds,
        params: &p,
        outcome: &o,
        baseline: Some(&greedy),
    };
    let id1 = store.save_run(&run("default")).await.expect("save");
    let id2 = store.save_run(&run("second")).await.expect("save again");
    assert_eq!((id1, id2), (1, 2));
    assert_eq!(
        store.count("datasets").await.expect("count"),
        1,
        "identical input is stored once"
    );
    assert_eq!(
        store.count("instructors").await.expect("count"),
        ds.instructors.len() as i64
    );

    let stored = store.run(id1).await.expect("load");
    assert_eq!(stored.summary.figures, o.figures);
    assert_eq!(stored.summary.scenario, "default");
    assert_eq!(stored.summary.status, "proposed");
    assert_eq!(stored.dataset.to_canonical_json(), ds.to_canonical_json());
    assert_eq!(stored.params, p);
    assert_eq!(stored.cluster_mode, o.cluster_mode);
    let mut expected = o.assignments.clone();
    expected.sort_by(|a, b| {
        (&a.request, a.part, &a.instructor).cmp(&(&b.request, b.part, &b.instructor))
    });
    assert_eq!(stored.assignments.len(), expected.len());
    for (s, e) in stored.assignments.iter().zip(&expected) {
        assert_eq!(
            (&s.request, s.part, &s.instructor, s.minutes),
            (&e.request, e.part, &e.instructor, e.minutes)
        );
        assert!((s.km - e.km).abs() < 1e-9);
    }
    assert_eq!(stored.uncovered, o.uncovered);
    assert_eq!(stored.stages.len(), o.stages.len());
    let (baseline, components) = store.run_extras(id1).await.expect("extras");
    assert_eq!(baseline, Some(greedy));
    assert_eq!(components, o.components);

    let runs = store.runs().await.expect("list");
    assert_eq!(runs.iter().map(|r| r.id).collect::<Vec<_>>(), vec![2, 1]);
    assert!(matches!(store.run(99).await, Err(StoreError::NotFound(99))));
    store.close().await;
}

/// A run that fails half-way leaves nothing behind.
async fn failed_save_writes_nothing(url: &str) {
    let store = Store::open(url).await.expect("open");
    let ds = pilot();
    let p = params();
    let mut o = plan::plan(&ds, &p, SolverKind::Greedy, &|_| {});
    // The same assignment twice violates the primary key, after the dataset, the run and
    // some assignments are already written in the transaction.
    let dup = o.assignments[0].clone();
    o.assignments.push(dup);
    let r = store
        .save_run(&NewRun {
            scenario: "broken",
            dataset_name: "trondelag",
            dataset: &ds,
            params: &p,
            outcome: &o,
            baseline: None,
        })
        .await;
    assert!(
        matches!(&r, Err(StoreError::Db(sqlx::Error::Database(e))) if e.is_unique_violation()),
        "duplicate assignment must fail on the primary key, got {r:?}"
    );
    for table in [
        "datasets",
        "instructors",
        "sessions",
        "scenarios",
        "runs",
        "assignments",
        "uncovered",
    ] {
        assert_eq!(
            store.count(table).await.expect("count"),
            0,
            "{table} must be empty"
        );
    }
    store.close().await;
}

/// A rota of several hundred rows is written many rows per statement: every row comes back,
/// across the statement boundaries, as it was.
async fn large_rota_round_trip(url: &str) {
    let store = Store::open(url).await.expect("open");
    let ds = klynge::generate::generate(300, 2);
    let p = params();
    let o = plan::plan(&ds, &p, SolverKind::Greedy, &|_| {});
    assert!(
        o.assignments.len() > 200 && o.uncovered.len() > 200,
        "the case must span several statements: {} assignments, {} uncovered",
        o.assignments.len(),
        o.uncovered.len()
    );
    let id = store
        .save_run(&NewRun {
            scenario: "large",
            dataset_name: "generated",
            dataset: &ds,
            params: &p,
            outcome: &o,
            baseline: None,
        })
        .await
        .expect("save");
    let stored = store.run(id).await.expect("load");
    let key = |a: &plan::Assignment| (a.request.clone(), a.instructor.clone(), a.minutes);
    let mut expected: Vec<_> = o.assignments.iter().map(key).collect();
    expected.sort();
    let got: Vec<_> = stored.assignments.iter().map(key).collect();
    assert_eq!(got, expected);
    let mut uncovered = o.uncovered.clone();
    uncovered.sort_by(|a, b| a.request.cmp(&b.request));
    let mut stored_uncovered = stored.uncovered.clone();
    stored_uncovered.sort_by(|a, b| a.request.cmp(&b.request));
    assert_eq!(stored_uncovered.len(), uncovered.len());
    for (s, o) in stored_uncovered.iter().zip(&uncovered) {
        assert_eq!(
            serde_json::to_string(s).expect("json"),
            serde_json::to_string(o).expect("json")
        );
    }
    store.close().await;
}

#[tokio::test]
async fn sqlite_large_rota_round_trip() {
    let dir = tempfile::tempdir().expect("tempdir");
    large_rota_round_trip(&dir.path().join("k.db").display().to_string()).await;
}

#[tokio::test]
async fn postgres_large_rota_round_trip() {
    let Some(db) = pg_database().await else {
        return;
    };
    large_rota_round_trip(&db.url).await;
    db.finish().await;
}

#[tokio::test]
async fn sqlite_round_trip() {
    let dir = tempfile::tempdir().expect("tempdir");
    round_trip(&dir.path().join("k.db").display().to_string()).await;
}

#[tokio::test]
async fn sqlite_url_form_creates_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("via-url.db");
    let store = Store::open(&format!("sqlite://{}", path.display()))
        .await
        .expect("open");
    assert_eq!(store.count("runs").await.expect("count"), 0);
    store.close().await;
    assert!(path.exists());
}

#[tokio::test]
async fn sqlite_failed_save_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    failed_save_writes_nothing(&dir.path().join("k.db").display().to_string()).await;
}

#[tokio::test]
async fn postgres_round_trip() {
    let Some(db) = pg_database().await else {
        return;
    };
    round_trip(&db.url).await;
    db.finish().await;
}

#[tokio::test]
async fn postgres_failed_save_writes_nothing() {
    let Some(db) = pg_database().await else {
        return;
    };
    failed_save_writes_nothing(&db.url).await;
    db.finish().await;
}

/// GDPR: an instructor's data can be exported, then erased everywhere it was stored.
async fn export_and_erase(url: &str) {
    let store = Store::open(url).await.expect("open");
    let ds = pilot();
    let p = params();
    let o = plan::plan(&ds, &p, SolverKind::Milp, &|_| {});
    store
        .save_run(&NewRun {
            scenario: "default",
            dataset_name: "trondelag",
            dataset: &ds,
            params: &p,
            outcome: &o,
            baseline: None,
        })
        .await
        .expect("save");
    store
        .create_token(klynge::store::Role::Instructor, "i07")
        .await
        .expect("token");
    let name = ds
        .instructors
        .iter()
        .find(|i| i.id == "i07")
        .expect("i07")
        .name
        .clone();
    let export = store.export_person("i07").await.expect("export");
    assert_eq!(export["records"][0]["instructor"]["name"], name.as_str());
    assert!(
        !export["assignments"]
            .as_array()
            .expect("assignments")
            .is_empty()
    );
    assert_eq!(export["tokens"].as_array().map(Vec::len), Some(1));

    assert_eq!(store.erase_person("i07").await.expect("erase"), 1);
    let after = store.export_person("i07").await.expect("export");
    let record = &after["records"][0]["instructor"];
    assert_eq!(record["name"], klynge::store::ERASED);
    assert!(
        record.get("lat").is_none() && record["availability"].as_array().is_some_and(Vec::is_empty)
    );
    assert_eq!(after["tokens"].as_array().map(Vec::len), Some(0));
    let run = store.run(1).await.expect("run");
    assert!(
        !run.dataset.to_canonical_json().contains(&name),
        "the name is gone from the snapshot"
    );
    assert_eq!(
        run.assignments.len(),
        o.assignments.len(),
        "the run keeps its rota (by id)"
    );
    store.close().await;
}

#[tokio::test]
async fn sqlite_export_and_erase_a_person() {
    let dir = tempfile::tempdir().expect("tempdir");
    export_and_erase(&dir.path().join("k.db").display().to_string()).await;
}

#[tokio::test]
async fn postgres_export_and_erase_a_person() {
    let Some(db) = pg_database().await else {
        return;
    };
    export_and_erase(&db.url).await;
    db.finish().await;
}

/// Sessions: a browser signs in with a token and gets a session id instead; the session
/// ends at logout, at expiry, and when the token is revoked. A calendar feed stops with its
/// owner's access. Erasing a person removes their sessions too.
async fn sessions_and_feeds(url: &str) {
    use klynge::store::Role;
    let store = Store::open(url).await.expect("open");
    let token = store
        .create_token(Role::Instructor, "i07")
        .await
        .expect("token");
    assert!(
        store
            .create_session("kl_not_a_token", chrono::Duration::hours(1))
            .await
            .expect("query")
            .is_none()
    );
    let session = store
        .create_session(&token, chrono::Duration::hours(1))
        .await
        .expect("session")
        .expect("a valid token signs in");
    assert_ne!(session, token, "the cookie never holds the token");
    let who = store.session_principal(&session).await.expect("lookup");
    assert_eq!(who.map(|p| p.subject).as_deref(), Some("i07"));
    // Logout ends it.
    assert!(store.end_session(&session).await.expect("logout"));
    assert!(
        store
            .session_principal(&session)
            .await
            .expect("lookup")
            .is_none()
    );
    // An expired session opens nothing.
    let expired = store
        .create_session(&token, chrono::Duration::seconds(-1))
        .await
        .expect("session")
        .expect("made");
    assert!(
        store
            .session_principal(&expired)
            .await
            .expect("lookup")
            .is_none()
    );
    // Revoking the token ends its sessions and the owner's feed.
    let live = store
        .create_session(&token, chrono::Duration::hours(1))
        .await
        .expect("session")
        .expect("made");
    let feed = store.rotate_feed("i07").await.expect("feed");
    assert_eq!(
        store.feed_owner(&feed).await.expect("feed").as_deref(),
        Some("i07")
    );
    assert!(store.revoke_token(&token).await.expect("revoke"));
    assert!(
        store
            .session_principal(&live)
            .await
            .expect("lookup")
            .is_none()
    );
    assert!(store.feed_owner(&feed).await.expect("feed").is_none());
    // Erasure removes sessions with the tokens (no dangling reference).
    let again = store
        .create_token(Role::Instructor, "i07")
        .await
        .expect("token");
    store
        .create_session(&again, chrono::Duration::hours(1))
        .await
        .expect("session")
        .expect("made");
    store.erase_person("i07").await.expect("erase");
    assert_eq!(store.count("login_sessions").await.unwrap_or(0), 0);
    store.close().await;
}

#[tokio::test]
async fn sqlite_sessions_and_feeds() {
    let dir = tempfile::tempdir().expect("tempdir");
    sessions_and_feeds(&dir.path().join("k.db").display().to_string()).await;
}

#[tokio::test]
async fn postgres_sessions_and_feeds() {
    let Some(db) = pg_database().await else {
        return;
    };
    sessions_and_feeds(&db.url).await;
    db.finish().await;
}
