//! The probes of a careless or hostile user against the service, as regression tests: what
//! one association submits can never break the service for everyone.
//!
//! Long because every probe that once broke something is kept here as its own test, with
//! the authorisation matrix and the web hardening beside them.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use klynge::model::{Hm, Origin, Request as CourseRequest, Series};
use klynge::server::router;
use serde_json::{Value, json};
use tower::ServiceExt;

mod common;

use common::service::{Fixture, fixture};

async fn call(
    f: &Fixture,
    method: &str,
    uri: &str,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, String) {
    common::service::api(&f.state, method, uri, token, body).await
}

async fn call2(
    f: &common::service::TwoClusters,
    method: &str,
    uri: &str,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, String) {
    common::service::api(&f.state, method, uri, token, body).await
}

/// A request with the headers given, as a browser or an attacker would send it.
async fn raw(
    f: &Fixture,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (StatusCode, axum::http::HeaderMap, String) {
    common::service::send(&f.state, method, uri, headers, body.to_owned()).await
}

fn series(first: &str) -> Value {
    json!({
        "topic": "smarttelefon", "language": "nb",
        "series": { "first_date": first, "start": "10:00", "end": "12:00", "count": 4, "interval_days": 7 }
    })
}

/// The probe: a series starting in year −390 or at the end of the calendar got 201, then
/// every list reset the connection and every plan failed. Now the submission is refused
/// with the field named, and nothing is stored.
#[tokio::test]
async fn a_series_outside_the_years_is_refused_at_the_door() {
    let f = fixture().await;
    for first in ["-0390-03-01", "+262142-12-31", "1999-12-31", "2100-12-20"] {
        let (s, body) = call(&f, "POST", "/api/requests", &f.malvik, Some(series(first))).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{first}: {body}");
        assert!(
            body.contains("first_date") || body.contains("count"),
            "{first}: {body}"
        );
    }
    assert!(
        f.state
            .store
            .live_requests(None)
            .await
            .expect("list")
            .is_empty()
    );
    // An empty language from a coordinator is refused too.
    let mut empty = series("2027-01-12");
    empty["language"] = json!("");
    empty["association"] = json!("malvik");
    let (s, body) = call(&f, "POST", "/api/requests", &f.coord_all, Some(empty)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
}

/// A request stored before these checks existed (written straight into the store here) is
/// shown as invalid with the reason, and left out of plans: the plan still runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stored_request_that_cannot_be_planned_is_shown_invalid_and_left_out() {
    let f = Arc::new(fixture().await);
    let bad = CourseRequest {
        id: "new".into(),
        association: "malvik".into(),
        topic: "smarttelefon".into(),
        language: "nb".into(),
        instructors_needed: 1,
        format: Default::default(),
        slot_minutes: None,
        desks: None,
        priority: 3,
        series: Some(Series {
            first_date: chrono::NaiveDate::from_ymd_opt(-390, 3, 1).expect("date"),
            start: Hm(600),
            end: Hm(720),
            count: 4,
            interval_days: 7,
        }),
        sessions: Vec::new(),
        venue_lat: None,
        venue_lon: None,
        origin: Origin::default(),
    };
    let id = f
        .state
        .store
        .submit_request(&bad, "")
        .await
        .expect("stored");
    let (s, body) = call(&f, "GET", "/api/requests", &f.malvik, None).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let list: Value = serde_json::from_str(&body).expect("json");
    let row = list
        .as_array()
        .expect("list")
        .iter()
        .find(|r| r["id"] == id.as_str())
        .expect("the stored request is listed");
    assert_eq!(row["status"], "invalid", "{row}");
    assert!(
        row["reasons"][0]
            .as_str()
            .expect("a reason")
            .contains("first_date"),
        "{row}"
    );
    // The coordinator's list works too, and a plan runs without it.
    let (s, _) = call(&f, "GET", "/api/requests", &f.coord_all, None).await;
    assert_eq!(s, StatusCode::OK);
    let run_id = common::service::plan(&f.state, &f.coord_all).await;
    let run = f.state.store.run(run_id).await.expect("run");
    assert!(!run.dataset.requests.iter().any(|r| r.id == id));
    // Withdrawing it works, and it is then shown as withdrawn.
    let (s, body) = call(
        &f,
        "POST",
        &format!("/api/requests/{id}/withdraw"),
        &f.malvik,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
}

// ---------------------------------------------------------------------------------------------
// Object-level authorisation, with a second cluster in the data.

fn run_ids(body: &str) -> Vec<i64> {
    let v: Value = serde_json::from_str(body).expect("json");
    let mut ids: Vec<i64> = v
        .as_array()
        .expect("list")
        .iter()
        .map(|r| r["id"].as_i64().expect("id"))
        .collect();
    ids.sort_unstable();
    ids
}

/// Coordinators are kept to their cluster for runs and requests; a token whose subject is
/// not in the data, or that is revoked, opens nothing. Runs: 1 by the coordinator of all
/// clusters (spans both), 2 by Trondheim's, 3 by Bergen's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coordinators_are_kept_to_their_cluster() {
    let f = common::service::two_clusters().await;
    for (run, token) in [&f.coord_all, &f.coord_trondheim, &f.coord_bergen]
        .into_iter()
        .enumerate()
    {
        // Job n stores run n: they run one after another.
        assert_eq!(common::service::plan(&f.state, token).await, run as i64 + 1);
    }
    let (all, trondheim, bergen) = (&f.coord_all, &f.coord_trondheim, &f.coord_bergen);
    // Who sees which runs.
    for (token, expected) in [
        (all, vec![1, 2, 3]),
        (trondheim, vec![2]),
        (bergen, vec![3]),
    ] {
        let (s, body) = call2(&f, "GET", "/api/runs", token, None).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(run_ids(&body), expected);
    }
    // (token, method, path, expected status), in this order: each row acts on the state
    // the rows before it left.
    let not_found = StatusCode::NOT_FOUND;
    let unauthorized = StatusCode::UNAUTHORIZED;
    let rows: Vec<(&str, &String, &str, String, StatusCode)> = vec![
        (
            "Trondheim approves the run of all clusters",
            trondheim,
            "POST",
            "/api/runs/1/approve".into(),
            not_found,
        ),
        (
            "Trondheim approves Bergen's run",
            trondheim,
            "POST",
            "/api/runs/3/approve".into(),
            not_found,
        ),
        (
            "Trondheim publishes Bergen's run",
            trondheim,
            "POST",
            "/api/runs/3/publish".into(),
            not_found,
        ),
        (
            "Bergen repairs Trondheim's run",
            bergen,
            "POST",
            "/api/runs/2/repair".into(),
            not_found,
        ),
        (
            "Bergen reads Trondheim's plan job",
            bergen,
            "GET",
            "/api/jobs/2".into(),
            not_found,
        ),
        (
            "Trondheim reads the job of the coordinator of all clusters",
            trondheim,
            "GET",
            "/api/jobs/1".into(),
            not_found,
        ),
        (
            "Bergen retries Trondheim's job",
            bergen,
            "POST",
            "/api/jobs/2/retry".into(),
            not_found,
        ),
        (
            "Bergen reads an unknown job",
            bergen,
            "GET",
            "/api/jobs/99".into(),
            not_found,
        ),
        (
            "an association reads a job",
            &f.askoy,
            "GET",
            "/api/jobs/3".into(),
            StatusCode::FORBIDDEN,
        ),
        (
            "Trondheim reads its own job",
            trondheim,
            "GET",
            "/api/jobs/2".into(),
            StatusCode::OK,
        ),
        (
            "the coordinator of all clusters reads Bergen's job",
            all,
            "GET",
            "/api/jobs/3".into(),
            StatusCode::OK,
        ),
        (
            "Trondheim retries its job, which is done",
            trondheim,
            "POST",
            "/api/jobs/2/retry".into(),
            StatusCode::CONFLICT,
        ),
        (
            "Bergen approves an unknown run",
            bergen,
            "POST",
            "/api/runs/99/approve".into(),
            not_found,
        ),
        (
            "an unknown hub lists runs",
            &f.coord_oslo,
            "GET",
            "/api/runs".into(),
            unauthorized,
        ),
        (
            "an unknown hub plans",
            &f.coord_oslo,
            "POST",
            "/api/runs".into(),
            unauthorized,
        ),
        (
            "an unknown hub publishes",
            &f.coord_oslo,
            "POST",
            "/api/runs/1/publish".into(),
            unauthorized,
        ),
        (
            "a revoked token lists runs",
            &f.revoked,
            "GET",
            "/api/runs".into(),
            unauthorized,
        ),
        (
            "a revoked token publishes",
            &f.revoked,
            "POST",
            "/api/runs/1/publish".into(),
            unauthorized,
        ),
        (
            "Trondheim approves its run",
            trondheim,
            "POST",
            "/api/runs/2/approve".into(),
            StatusCode::OK,
        ),
        (
            "Trondheim publishes its run",
            trondheim,
            "POST",
            "/api/runs/2/publish".into(),
            StatusCode::OK,
        ),
        (
            "Bergen publishes its run before approving it",
            bergen,
            "POST",
            "/api/runs/3/publish".into(),
            StatusCode::CONFLICT,
        ),
        (
            "Bergen approves its run",
            bergen,
            "POST",
            "/api/runs/3/approve".into(),
            StatusCode::OK,
        ),
        (
            "Bergen publishes its run",
            bergen,
            "POST",
            "/api/runs/3/publish".into(),
            StatusCode::OK,
        ),
        (
            "an association lists runs",
            &f.askoy,
            "GET",
            "/api/runs".into(),
            StatusCode::FORBIDDEN,
        ),
        (
            "an instructor publishes",
            &f.b01,
            "POST",
            "/api/runs/3/publish".into(),
            StatusCode::FORBIDDEN,
        ),
    ];
    for (what, token, method, path, expected) in &rows {
        let (s, body) = call2(&f, method, path, token, None).await;
        assert_eq!(s, *expected, "{what}: {body}");
    }
    // Bergen's publication left Trondheim's rota published.
    let status = |id| {
        let store = &f.state.store;
        async move { store.run(id).await.expect("run").summary.status }
    };
    assert_eq!(status(2).await, "published");
    assert_eq!(status(3).await, "published");
    // Requests: each coordinator sees their cluster's only, and submits for it only.
    let (s, body) = call2(
        &f,
        "POST",
        "/api/requests",
        &f.askoy,
        Some(series("2027-01-11")),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let (_, body) = call2(&f, "GET", "/api/requests", trondheim, None).await;
    assert!(!body.contains("askoy"), "{body}");
    let (_, body) = call2(&f, "GET", "/api/requests", bergen, None).await;
    assert!(body.contains("askoy"), "{body}");
    let mut for_askoy = series("2027-01-11");
    for_askoy["association"] = json!("askoy");
    let (s, _) = call2(&f, "POST", "/api/requests", trondheim, Some(for_askoy)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    println!(
        "authorisation matrix: {} rows, 3 coordinators, 3 run listings",
        rows.len()
    );
}

/// Answers: only on the published rota (or a newer proposal); the same answer twice is
/// recorded once; declines in a row make one pending proposal, not one each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_go_to_the_published_rota_and_declines_make_one_proposal() {
    let f = fixture().await;
    common::service::plan(&f.state, &f.coord_all).await;
    let (s, _) = call(&f, "POST", "/api/runs/1/approve", &f.coord_all, None).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = call(&f, "POST", "/api/runs/1/publish", &f.coord_all, None).await;
    assert_eq!(s, StatusCode::OK);
    let (_, body) = call(&f, "GET", "/api/assignments", &f.i01, None).await;
    let mine: Vec<Value> = serde_json::from_str(&body).expect("json");
    let request = mine[0]["request"].as_str().expect("id").to_owned();
    // The same yes twice: recorded once, no repair.
    for _ in 0..2 {
        let (s, body) = call(
            &f,
            "POST",
            &format!("/api/assignments/1/{request}/accept"),
            &f.i01,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{body}");
        assert_eq!(
            serde_json::from_str::<Value>(&body).expect("json")["repair_run"],
            Value::Null
        );
    }
    // Five declines of the same assignment: the first makes a proposal, the repeats
    // change nothing.
    let mut proposals = Vec::new();
    for _ in 0..5 {
        let (s, body) = call(
            &f,
            "POST",
            &format!("/api/assignments/1/{request}/decline"),
            &f.i01,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{body}");
        proposals.push(serde_json::from_str::<Value>(&body).expect("json")["repair_run"].clone());
    }
    assert!(proposals[0].is_i64(), "{proposals:?}");
    assert!(proposals[1..].iter().all(Value::is_null), "{proposals:?}");
    // A decline of another assignment replaces the pending proposal with one that holds
    // both declines.
    assert!(
        mine.len() >= 2,
        "i01 has two assignments in the pilot: {mine:?}"
    );
    let second = mine[1]["request"].as_str().expect("id").to_owned();
    let (s, body) = call(
        &f,
        "POST",
        &format!("/api/assignments/1/{second}/decline"),
        &f.i01,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let latest = serde_json::from_str::<Value>(&body).expect("json")["repair_run"]
        .as_i64()
        .expect("a new proposal");
    let repaired = f.state.store.run(latest).await.expect("run");
    assert!(
        !repaired
            .assignments
            .iter()
            .any(|a| a.instructor == "i01" && (a.request == request || a.request == second)),
        "both declines are honoured"
    );
    let runs = f.state.store.runs().await.expect("runs");
    let pending: Vec<_> = runs.iter().filter(|r| r.status == "proposed").collect();
    assert_eq!(pending.len(), 1, "{runs:?}");
    // A run that is neither published nor newer than the published one takes no answers.
    common::service::plan(&f.state, &f.coord_all).await;
    let newest = f
        .state
        .store
        .latest_run(None)
        .await
        .expect("latest")
        .expect("a run");
    let (s, _) = call(
        &f,
        "POST",
        &format!("/api/runs/{newest}/approve"),
        &f.coord_all,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = call(
        &f,
        "POST",
        &format!("/api/runs/{newest}/publish"),
        &f.coord_all,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, body) = call(
        &f,
        "POST",
        &format!("/api/assignments/1/{request}/accept"),
        &f.i01,
        None,
    )
    .await;
    assert_eq!(
        s,
        StatusCode::CONFLICT,
        "an answer on a superseded run: {body}"
    );
}

// ---------------------------------------------------------------------------------------------
// Web hardening

/// Signs in through the login form; returns the session cookie (`klynge_session=…`).
async fn sign_in(f: &Fixture, token: &str) -> String {
    let form = format!("token={token}&lang=nb");
    let (s, h, body) = raw(
        f,
        "POST",
        "/login",
        &[
            ("content-type", "application/x-www-form-urlencoded"),
            ("host", "klynge.test"),
            ("origin", "http://klynge.test"),
        ],
        &form,
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
    let cookie = h
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("a cookie")
        .to_owned();
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax")
            && cookie.contains("Max-Age="),
        "{cookie}"
    );
    assert!(
        !cookie.contains(token),
        "the cookie never holds the token: {cookie}"
    );
    cookie.split(';').next().expect("name=value").to_owned()
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let f = fixture().await;
    for (method, uri) in [
        ("GET", "/"),
        ("GET", "/api/openapi.json"),
        ("GET", "/association"),
        ("POST", "/api/runs"),
    ] {
        let (_, h, _) = raw(&f, method, uri, &[], "").await;
        let csp = h
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert!(
            csp.contains("default-src 'none'") && !csp.contains("script-src"),
            "{uri}: {csp}"
        );
        assert_eq!(
            h.get("x-frame-options").map(|v| v.to_str().unwrap()),
            Some("DENY"),
            "{uri}"
        );
        assert_eq!(
            h.get("x-content-type-options").map(|v| v.to_str().unwrap()),
            Some("nosniff"),
            "{uri}"
        );
        assert!(h.contains_key("referrer-policy"), "{uri}");
        assert_eq!(
            h.get("cache-control").map(|v| v.to_str().unwrap()),
            Some("no-store"),
            "{uri}"
        );
    }
}

/// The cookie holds a session, not the token; it opens pages for forms from this site
/// only, never the API; it ends at logout and when the token is revoked.
#[tokio::test]
async fn the_session_cookie_is_kept_to_its_place() {
    let f = fixture().await;
    let cookie = sign_in(&f, &f.malvik).await;
    let same = [
        ("cookie", cookie.as_str()),
        ("host", "klynge.test"),
        ("origin", "http://klynge.test"),
        ("content-type", "application/x-www-form-urlencoded"),
    ];
    let (s, _, _) = raw(
        &f,
        "GET",
        "/association",
        &[("cookie", cookie.as_str())],
        "",
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    // A form posted from another site with the cookie: refused.
    let form = "topic=epost&language=nb&first_date=2027-02-01&start=10%3A00&end=12%3A00&count=4&interval_days=7&instructors_needed=1&priority=3&note=";
    let foreign = [
        ("cookie", cookie.as_str()),
        ("host", "klynge.test"),
        ("origin", "http://evil.test"),
        ("content-type", "application/x-www-form-urlencoded"),
    ];
    let (s, _, _) = raw(&f, "POST", "/association/requests", &foreign, form).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let no_origin = [
        ("cookie", cookie.as_str()),
        ("host", "klynge.test"),
        ("content-type", "application/x-www-form-urlencoded"),
    ];
    let (s, _, _) = raw(&f, "POST", "/association/requests", &no_origin, form).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(
        f.state
            .store
            .live_requests(None)
            .await
            .expect("list")
            .is_empty(),
        "nothing stored"
    );
    // The same form from this site is taken.
    let (s, _, body) = raw(&f, "POST", "/association/requests", &same, form).await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
    // The API takes no cookie: a text/plain JSON body with the cookie is refused.
    let api = [("cookie", cookie.as_str()), ("content-type", "text/plain")];
    let (s, _, _) = raw(
        &f,
        "POST",
        "/api/requests",
        &api,
        &series("2027-01-12").to_string(),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // With a token, the API wants JSON declared as JSON.
    let bearer = format!("Bearer {}", f.malvik);
    let (s, _, _) = raw(
        &f,
        "POST",
        "/api/requests",
        &[
            ("authorization", bearer.as_str()),
            ("content-type", "text/plain"),
        ],
        &series("2027-01-12").to_string(),
    )
    .await;
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(
        f.state.store.live_requests(None).await.expect("list").len(),
        1
    );
    // Logout ends the session.
    let (s, h, _) = raw(&f, "POST", "/logout", &same, "").await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert!(
        h.get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|c| c.contains("Max-Age=0"))
    );
    let (s, _, _) = raw(
        &f,
        "GET",
        "/association",
        &[("cookie", cookie.as_str())],
        "",
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // Revoking the token ends every session of it.
    let again = sign_in(&f, &f.malvik).await;
    assert!(f.state.store.revoke_token(&f.malvik).await.expect("revoke"));
    let (s, _, _) = raw(&f, "GET", "/association", &[("cookie", again.as_str())], "").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

/// After ten failed logins from one address, the next attempts are refused for a while,
/// even with a good token; other addresses are not affected.
#[tokio::test]
async fn failed_logins_are_limited_per_address() {
    let f = fixture().await;
    let app = router(f.state.clone());
    let attempt = |token: String, ip: [u8; 4]| {
        let app = app.clone();
        async move {
            let mut req = Request::builder()
                .method("POST")
                .uri("/login")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(format!("token={token}")))
                .expect("request");
            req.extensions_mut()
                .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
                    ip, 40000,
                ))));
            app.oneshot(req).await.expect("response").status()
        }
    };
    for _ in 0..10 {
        assert_eq!(
            attempt("kl_wrong".into(), [10, 0, 0, 1]).await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        attempt(f.malvik.clone(), [10, 0, 0, 1]).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        attempt(f.malvik.clone(), [10, 0, 0, 2]).await,
        StatusCode::SEE_OTHER
    );
}

/// A calendar feed stops when its owner's access is revoked.
#[tokio::test]
async fn a_feed_stops_with_its_owners_access() {
    let f = fixture().await;
    let (s, body) = call(&f, "POST", "/api/feed", &f.i01, None).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let url = serde_json::from_str::<Value>(&body).expect("json")["url"]
        .as_str()
        .expect("url")
        .to_owned();
    let (s, _, _) = raw(&f, "GET", &url, &[], "").await;
    assert_eq!(s, StatusCode::OK);
    assert!(f.state.store.revoke_token(&f.i01).await.expect("revoke"));
    let (s, _, _) = raw(&f, "GET", &url, &[], "").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

/// The probe: priority 300 in the form said "is not a whole number". It is one; it is out
/// of range, and the form says so, naming the range.
#[tokio::test]
async fn a_number_out_of_range_in_the_form_names_the_range() {
    let f = fixture().await;
    let bearer = format!("Bearer {}", f.malvik);
    let form = "topic=epost&language=nb&first_date=2027-02-01&start=10%3A00&end=12%3A00&count=4&interval_days=7&instructors_needed=1&priority=300&note=";
    let (s, _, html) = raw(
        &f,
        "POST",
        "/association/requests?lang=en",
        &[
            ("authorization", bearer.as_str()),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        form,
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(html.contains("is out of range (expected 1…5)"), "{html}");
    assert!(!html.contains("is not a whole number"), "{html}");
}

/// Every documented API operation, with a token for a hub that is not in the data and with
/// a revoked token: 401 everywhere a token is needed. The list comes from the served
/// document, so a new route is in this matrix as soon as it is documented.
#[tokio::test]
async fn an_unknown_subject_and_a_revoked_token_open_no_route() {
    let f = common::service::two_clusters().await;
    let (s, body) = call2(&f, "GET", "/api/openapi.json", &f.coord_all, None).await;
    assert_eq!(s, StatusCode::OK);
    let doc: Value = serde_json::from_str(&body).expect("json");
    let mut checked = 0;
    for (path, ops) in doc["paths"].as_object().expect("paths") {
        for (method, op) in ops.as_object().expect("operations") {
            if op.get("security").is_none() {
                continue; // public: the document itself, the calendar feed by its secret
            }
            let uri = path
                .replace("{id}", "1")
                .replace("{run}", "1")
                .replace("{request}", "r01")
                .replace("{answer}", "accept");
            for token in [&f.coord_oslo, &f.revoked] {
                let body = (method == "post").then(|| series("2027-01-11"));
                let (s, text) = call2(&f, &method.to_uppercase(), &uri, token, body).await;
                assert_eq!(s, StatusCode::UNAUTHORIZED, "{method} {uri}: {text}");
                checked += 1;
            }
        }
    }
    assert!(checked >= 20, "only {checked} operations checked");
    println!("unknown subject and revoked token: {checked} calls, all 401");
}

/// The object rows for the routes beyond runs: another cluster's request cannot be
/// withdrawn, another instructor's assignment cannot be answered, and a coordinator sees
/// only their cluster's assignments.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_and_assignments_stay_in_their_cluster() {
    let f = common::service::two_clusters().await;
    let (s, body) = call2(
        &f,
        "POST",
        "/api/requests",
        &f.malvik,
        Some(series("2027-01-12")),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let malviks = serde_json::from_str::<Value>(&body).expect("json")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let withdraw = format!("/api/requests/{malviks}/withdraw");
    for token in [&f.coord_bergen, &f.askoy] {
        let (s, _) = call2(&f, "POST", &withdraw, token, None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
    common::service::plan(&f.state, &f.coord_all).await;
    let (s, _) = call2(&f, "POST", "/api/runs/1/approve", &f.coord_all, None).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = call2(&f, "POST", "/api/runs/1/publish", &f.coord_all, None).await;
    assert_eq!(s, StatusCode::OK);
    let (_, body) = call2(&f, "GET", "/api/assignments", &f.coord_bergen, None).await;
    let seen: Vec<Value> = serde_json::from_str(&body).expect("json");
    assert!(
        !seen.is_empty() && seen.iter().all(|a| a["association_id"] == "askoy"),
        "{body}"
    );
    let (_, body) = call2(&f, "GET", "/api/assignments", &f.i01, None).await;
    let mine: Vec<Value> = serde_json::from_str(&body).expect("json");
    let request = mine[0]["request"].as_str().expect("id");
    let (s, _) = call2(
        &f,
        "POST",
        &format!("/api/assignments/1/{request}/accept"),
        &f.b01,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "b01 answers i01's assignment");
    let (s, _) = call2(&f, "POST", &withdraw, &f.coord_trondheim, None).await;
    assert_eq!(
        s,
        StatusCode::OK,
        "Trondheim's coordinator may withdraw Malvik's request"
    );
}

/// The audit trail on the web: for a coordinator of all clusters only.
#[tokio::test]
async fn the_audit_trail_is_for_a_coordinator_of_all_clusters() {
    let f = common::service::two_clusters().await;
    common::service::plan(&f.state, &f.coord_all).await;
    let (s, _) = call2(&f, "POST", "/api/runs/1/approve", &f.coord_all, None).await;
    assert_eq!(s, StatusCode::OK);
    let (s, body) = call2(&f, "GET", "/api/audit", &f.coord_all, None).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let log: Vec<Value> = serde_json::from_str(&body).expect("json");
    assert_eq!(log[0]["action"], "approve");
    assert_eq!(log[0]["actor"], "coordinator:*");
    for token in [&f.coord_trondheim, &f.askoy, &f.b01] {
        let (s, _) = call2(&f, "GET", "/api/audit", token, None).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
}
