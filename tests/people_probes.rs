//! Probes of the cluster's data under pressure: concurrent edits, a second process, a
//! retired instructor who had said yes, and hostile lists.

use std::sync::Arc;

use axum::http::StatusCode;
use serde_json::{Value, json};

mod common;
use common::service::{all_clusters as all, api, fixture, new_instructor};

/// Ten coordinators adding at once: the data are read, changed and stored as one step each,
/// so no addition is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_additions_are_all_kept() {
    let f = Arc::new(fixture().await);
    let mut tasks = Vec::new();
    for k in 0..10 {
        let f = f.clone();
        tasks.push(tokio::spawn(async move {
            api(
                &f.state,
                "POST",
                "/api/instructors",
                &f.coord_hub,
                Some(new_instructor(&format!("n{k}"), "trondheim")),
            )
            .await
        }));
    }
    for t in tasks {
        let (s, body) = t.await.expect("task");
        assert_eq!(s, StatusCode::CREATED, "{body}");
    }
    let (stored, _) = f
        .state
        .store
        .current_data()
        .await
        .expect("read")
        .expect("data");
    for k in 0..10 {
        assert!(
            stored.instructors.iter().any(|i| i.id == format!("n{k}")),
            "n{k}"
        );
    }
}

/// A second service on the same database (another `klynge serve`) sees a change at its
/// next request, without a restart.
#[tokio::test]
async fn another_process_sees_a_change_without_a_restart() {
    let f = fixture().await;
    let other = klynge::app::Service::open(
        klynge::store::Store::open(&f.dir.path().join("k.db").display().to_string())
            .await
            .expect("open"),
        10.0,
    )
    .await
    .expect("service");
    let other = Arc::new(other);
    let (s, _) = api(
        &f.state,
        "POST",
        "/api/instructors",
        &f.coord_all,
        Some(new_instructor("i97", "trondheim")),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, body) = api(&other, "GET", "/api/instructors/i97", &f.coord_all, None).await;
    assert_eq!(s, StatusCode::OK, "{body}");
}

/// An instructor who said yes is retired (they left): their yes cannot be kept, and the
/// repair proposal goes on without them; the published rota stays until the coordinator
/// publishes the proposal, and the proposal passes `check` with every answer.
#[tokio::test]
async fn retiring_an_instructor_who_said_yes_proposes_a_rota_without_them() {
    let f = fixture().await;
    let run = f.state.plan_now(&all()).await.expect("plan");
    f.state.approve(&all(), run).await.expect("approve");
    f.state.publish(&all(), run).await.expect("publish");
    let published = f.state.store.run(run).await.expect("run");
    let a = published
        .assignments
        .first()
        .expect("an assignment")
        .clone();
    f.state
        .record_answer(run, &a.request, &a.instructor, "accept")
        .await
        .expect("accept");
    let (s, body) = api(
        &f.state,
        "DELETE",
        &format!("/api/instructors/{}", a.instructor),
        &f.coord_all,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let v: Value = serde_json::from_str(&body).expect("json");
    let repair = v["repair_runs"][0]
        .as_i64()
        .unwrap_or_else(|| panic!("{body}"));
    let proposal = f.state.store.run(repair).await.expect("repair");
    assert!(
        !proposal
            .assignments
            .iter()
            .any(|x| x.instructor == a.instructor)
    );
    let violations = klynge::app::check::check_stored(&f.state.store, &proposal)
        .await
        .expect("check");
    assert!(violations.is_empty(), "{violations:?}");
    assert_eq!(
        f.state.store.run_status(run).await.expect("status"),
        "published"
    );
}

/// Hostile lists: thousands of away-periods are refused, not stored.
#[tokio::test]
async fn a_flood_of_times_is_refused() {
    let f = fixture().await;
    let away: Vec<Value> = (0..5000)
        .map(|_| json!({"from": "2027-03-01", "to": "2027-03-02"}))
        .collect();
    let (s, body) = api(
        &f.state,
        "PUT",
        "/api/me/times",
        &f.i01,
        Some(json!({"availability": [], "away": away})),
    )
    .await;
    assert!(
        s == StatusCode::BAD_REQUEST || s == StatusCode::PAYLOAD_TOO_LARGE,
        "{s}: {body}"
    );
    assert!(f.state.own_times("i01").expect("times").away.len() < 10);
}
