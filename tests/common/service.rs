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
    klynge::app::data::import(&store, "test", "fixture", &base)
        .await
        .expect("import the fixture");
    let mut service = Service::open(store, 10.0).await.expect("service");
    // The pilot's term starts in January 2027: submissions for it stay in the future.
    service.today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1);
    let state = Arc::new(service);
    start_worker(&state);
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
        lends: true,
        lend_cap_sessions: None,
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
        willing_languages: Vec::new(),
        max_km: 60.0,
        max_minutes: None,
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
        format: Default::default(),
        slot_minutes: None,
        desks: None,
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
    klynge::app::data::import(&store, "test", "fixture", &base)
        .await
        .expect("import the fixture");
    let mut service = Service::open(store, 10.0).await.expect("service");
    // The pilot's term starts in January 2027: submissions for it stay in the future.
    service.today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1);
    let state = Arc::new(service);
    start_worker(&state);
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

/// Runs the service's queued plans and repairs, as `klynge serve` does, until the test's
/// runtime ends.
pub fn start_worker(state: &Arc<Service>) {
    tokio::spawn(klynge::app::jobs::run_worker(
        state.clone(),
        std::future::pending(),
    ));
}

/// Follows a job queued by an API call (its answer: `202 Accepted`, the job in the body
/// and in `Location`) until it is done or failed; returns the job's last state.
pub async fn follow(
    state: &Arc<Service>,
    token: &str,
    queued: (axum::http::StatusCode, axum::http::HeaderMap, String),
) -> serde_json::Value {
    let (status, headers, body) = queued;
    assert_eq!(status, axum::http::StatusCode::ACCEPTED, "{body}");
    let answer: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(answer["status"], "queued", "{body}");
    let href = answer["href"].as_str().expect("href").to_owned();
    assert_eq!(href, format!("/api/jobs/{}", answer["job"]), "{body}");
    assert_eq!(
        headers.get("location").and_then(|v| v.to_str().ok()),
        Some(href.as_str())
    );
    let start = std::time::Instant::now();
    loop {
        let (s, text) = api(state, "GET", &href, token, None).await;
        assert_eq!(s, axum::http::StatusCode::OK, "{text}");
        let job: serde_json::Value = serde_json::from_str(&text).expect("json");
        if job["status"] == "done" || job["status"] == "failed" {
            return job;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(180),
            "job still not done: {text}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Queues a job with `POST uri` as `token` and follows it to its end (its last state).
pub async fn queue_and_follow(state: &Arc<Service>, uri: &str, token: &str) -> serde_json::Value {
    let bearer = format!("Bearer {token}");
    let queued = send(
        state,
        "POST",
        uri,
        &[("authorization", bearer.as_str())],
        String::new(),
    )
    .await;
    follow(state, token, queued).await
}

/// Plans now through the API as `token` (`POST /api/runs`) and waits for the job: the new
/// run's id. The job must end done.
pub async fn plan(state: &Arc<Service>, token: &str) -> i64 {
    let job = queue_and_follow(state, "/api/runs", token).await;
    assert_eq!(job["status"], "done", "{job}");
    job["run"].as_i64().expect("a done job has its run")
}

/// Repairs run `run` through the API as `token` and waits for the job: the done job (its
/// `run` and `changes`).
pub async fn repair(state: &Arc<Service>, token: &str, run: i64) -> serde_json::Value {
    let job = queue_and_follow(state, &format!("/api/runs/{run}/repair"), token).await;
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["repairs"], run, "{job}");
    job
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

/// A coordinator of all clusters, for calling the service's use cases directly.
pub fn all_clusters() -> klynge::store::Principal {
    klynge::store::Principal {
        role: Role::Coordinator,
        subject: "*".into(),
    }
}

/// An instructor record as the API takes it: `id` at hub `hub`, with one weekly slot and
/// one away-period written as people write them.
pub fn new_instructor(id: &str, hub: &str) -> serde_json::Value {
    serde_json::json!({
        "id": id, "name": "Nora Ny", "association": hub,
        "topics": ["smarttelefon"], "languages": ["nb"],
        "max_km": 60.0, "max_sessions_per_week": 2,
        "availability": [{"weekday": "tir", "start": "09:00", "end": "15:00"}],
        "away": [{"from": "1.3.2027", "to": "2027-03-07"}]
    })
}

/// The fields named in an API answer's `{"errors": [{"field", "message"}]}`, in order.
pub fn fields(body: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    v["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("field errors: {body}"))
        .iter()
        .map(|e| e["field"].as_str().unwrap_or_default().to_owned())
        .collect()
}
