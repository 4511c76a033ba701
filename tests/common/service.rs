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

/// The pilot plus a second cluster (hub `bergen`, small association `askoy`, instructor
/// `b01`, request `rb1`), with tokens for both clusters, a coordinator of a hub that is not
/// in the data, and a revoked token.
pub struct TwoClusters {
    pub dir: tempfile::TempDir,
    pub state: Arc<Service>,
    pub coord_all: String,
    pub coord_trondheim: String,
    pub coord_bergen: String,
    pub coord_oslo: String,
    pub malvik: String,
    pub askoy: String,
    pub i01: String,
    pub b01: String,
    pub revoked: String,
}

pub async fn two_clusters() -> TwoClusters {
    use klynge::model::{
        Association, AssociationKind, Hm, Instructor, Origin, Request, Series, Slot,
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("k.db").display().to_string())
        .await
        .expect("open");
    let mut base = klynge::ingest::load(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/trondelag"),
    )
    .expect("pilot");
    let assoc = |id: &str, kind, lat, lon, cluster: Option<&str>| Association {
        id: id.into(),
        name: format!("Seniornett {id}"),
        kind,
        lat,
        lon,
        municipality: String::new(),
        opt_in: true,
        cluster: cluster.map(str::to_owned),
        email: None,
        lang: None,
        origin: Origin::default(),
    };
    base.associations
        .push(assoc("bergen", AssociationKind::Hub, 60.39, 5.32, None));
    base.associations.push(assoc(
        "askoy",
        AssociationKind::Small,
        60.41,
        5.22,
        Some("bergen"),
    ));
    base.instructors.push(Instructor {
        id: "b01".into(),
        name: "Bente Berg".into(),
        association: "bergen".into(),
        lat: None,
        lon: None,
        topics: vec!["smarttelefon".into()],
        languages: vec!["nb".into()],
        max_km: 60.0,
        max_sessions_per_week: 3,
        max_sessions_total: None,
        max_hours_per_week: None,
        availability: vec![Slot {
            weekday: chrono::Weekday::Mon,
            start: Hm(8 * 60),
            end: Hm(16 * 60),
            origin: Origin::default(),
        }],
        blackouts: Vec::new(),
        email: None,
        lang: None,
        origin: Origin::default(),
    });
    base.requests.push(Request {
        id: "rb1".into(),
        association: "askoy".into(),
        topic: "smarttelefon".into(),
        language: "nb".into(),
        instructors_needed: 1,
        priority: 4,
        series: Some(Series {
            first_date: chrono::NaiveDate::from_ymd_opt(2027, 1, 11).expect("date"),
            start: Hm(10 * 60),
            end: Hm(12 * 60),
            count: 4,
            interval_days: 7,
        }),
        sessions: Vec::new(),
        venue_lat: None,
        venue_lon: None,
        origin: Origin::default(),
    });
    assert!(
        klynge::model::validate(&base).is_empty(),
        "the fixture is valid"
    );
    let token = |role, subject: &'static str| {
        let store = &store;
        async move { store.create_token(role, subject).await.expect("token") }
    };
    let coord_all = token(Role::Coordinator, "*").await;
    let coord_trondheim = token(Role::Coordinator, "trondheim").await;
    let coord_bergen = token(Role::Coordinator, "bergen").await;
    let coord_oslo = token(Role::Coordinator, "oslo").await;
    let malvik = token(Role::Association, "malvik").await;
    let askoy = token(Role::Association, "askoy").await;
    let i01 = token(Role::Instructor, "i01").await;
    let b01 = token(Role::Instructor, "b01").await;
    let revoked = token(Role::Coordinator, "*").await;
    assert!(store.revoke_token(&revoked).await.expect("revoke"));
    let state = Arc::new(Service::new(store, base, 10.0));
    TwoClusters {
        dir,
        state,
        coord_all,
        coord_trondheim,
        coord_bergen,
        coord_oslo,
        malvik,
        askoy,
        i01,
        b01,
        revoked,
    }
}

/// One request through the service's router: (status, headers, body as text).
pub async fn send(
    state: &Arc<Service>,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: String,
) -> (axum::http::StatusCode, axum::http::HeaderMap, String) {
    use tower::ServiceExt;
    let mut req = axum::http::Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = klynge::server::router(state.clone())
        .oneshot(req.body(axum::body::Body::from(body)).expect("request"))
        .await
        .expect("response");
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .expect("body");
    (
        status,
        headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

/// A JSON API call with a bearer token: (status, body as text).
pub async fn api(
    state: &Arc<Service>,
    method: &str,
    uri: &str,
    token: &str,
    body: Option<serde_json::Value>,
) -> (axum::http::StatusCode, String) {
    let bearer = format!("Bearer {token}");
    let headers = [
        ("authorization", bearer.as_str()),
        ("content-type", "application/json"),
    ];
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let (status, _, text) = send(state, method, uri, &headers, body).await;
    (status, text)
}
