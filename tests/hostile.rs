//! The probes of a careless or hostile user against the service, as regression tests: what
//! one association submits can never break the service for everyone.

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
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json");
    let req = req
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .expect("request");
    let resp = router(f.state.clone())
        .oneshot(req)
        .await
        .expect("response");
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .expect("body");
    (status, String::from_utf8_lossy(&bytes).into_owned())
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
    let (s, body) = call(&f, "POST", "/api/runs", &f.coord_all, None).await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let run_id = serde_json::from_str::<Value>(&body).expect("json")["id"]
        .as_i64()
        .expect("run id");
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
