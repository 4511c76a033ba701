//! A service over the Trøndelag pilot with one token per role, for the server and browser
//! tests.

use std::sync::Arc;

use klynge::app::Service;
use klynge::store::{Role, Store};

pub struct Fixture {
    /// Keeps the SQLite file (if any) and other scratch files alive.
    pub dir: tempfile::TempDir,
    pub state: Arc<Service>,
    /// Coordinator of all clusters.
    pub coord_all: String,
    /// Coordinator of the Trondheim cluster.
    pub coord_hub: String,
    pub malvik: String,
    pub melhus: String,
    pub i01: String,
}

/// The service on a fresh SQLite database.
pub async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("k.db").display().to_string())
        .await
        .expect("open");
    fixture_on(store, dir).await
}

/// The service on `store`.
pub async fn fixture_on(store: Store, dir: tempfile::TempDir) -> Fixture {
    let base = klynge::ingest::load(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/trondelag"),
    )
    .expect("pilot");
    let token = |role, subject: &'static str| {
        let store = &store;
        async move { store.create_token(role, subject).await.expect("token") }
    };
    let coord_all = token(Role::Coordinator, "*").await;
    let coord_hub = token(Role::Coordinator, "trondheim").await;
    let malvik = token(Role::Association, "malvik").await;
    let melhus = token(Role::Association, "melhus").await;
    let i01 = token(Role::Instructor, "i01").await;
    let state = Arc::new(Service::new(store, base, 10.0));
    Fixture {
        dir,
        state,
        coord_all,
        coord_hub,
        malvik,
        melhus,
        i01,
    }
}
