//! The cluster's data edited record by record over the API: coordinators add, change and
//! retire instructors and associations of their own cluster only, with the file format's
//! rules and an error beside each field; instructors change their own times; a change that
//! breaks the published rota makes a repair proposal and publishes nothing.

use axum::http::StatusCode;
use klynge::store::Role;
use serde_json::{Value, json};

mod common;
use common::service::{all_clusters as all, api, fields, fixture, new_instructor, two_clusters};

#[tokio::test]
async fn a_coordinator_adds_changes_and_retires_an_instructor_and_each_change_is_audited() {
    let f = fixture().await;
    let (s, body) = api(
        &f.state,
        "POST",
        "/api/instructors",
        &f.coord_hub,
        Some(new_instructor("i99", "trondheim")),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let added = f
        .state
        .base()
        .instructors
        .iter()
        .find(|i| i.id == "i99")
        .cloned()
        .expect("in the current data");
    assert_eq!(added.availability.len(), 1);
    assert_eq!(added.blackouts[0].from.to_string(), "2027-03-01");
    // In the database, not only in this process.
    let (stored, _) = f
        .state
        .store
        .current_data()
        .await
        .expect("read")
        .expect("data");
    assert!(stored.instructors.iter().any(|i| i.id == "i99"));

    let mut changed = new_instructor("i99", "trondheim");
    changed["max_km"] = json!(25.5);
    let (s, body) = api(
        &f.state,
        "PUT",
        "/api/instructors/i99",
        &f.coord_hub,
        Some(changed),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (s, body) = api(&f.state, "GET", "/api/instructors/i99", &f.coord_hub, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        serde_json::from_str::<Value>(&body).expect("json")["max_km"],
        25.5
    );

    let (s, body) = api(
        &f.state,
        "DELETE",
        "/api/instructors/i99",
        &f.coord_hub,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert!(!f.state.base().instructors.iter().any(|i| i.id == "i99"));

    let log = f.state.audit_log(&all(), 20).await.expect("audit");
    let actions: Vec<(&str, &str, &str)> = log
        .iter()
        .map(|e| (e.actor.as_str(), e.action.as_str(), e.subject.as_str()))
        .collect();
    for action in ["add instructor", "edit instructor", "retire instructor"] {
        assert!(
            actions.contains(&("coordinator:trondheim", action, "i99")),
            "{action} in {actions:?}"
        );
    }
    // Personal values stay out of the trail.
    assert!(log.iter().all(|e| !e.detail.contains("Nora")));
    // The person's export holds what was done to their record, and every stored version.
    let export = f.state.store.export_person("i99").await.expect("export");
    let done: Vec<&str> = export["audit"]
        .as_array()
        .expect("audit")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(
        done,
        ["add instructor", "edit instructor", "retire instructor"]
    );
    assert!(export.to_string().contains("Nora Ny"));
    f.state.store.erase_person("i99").await.expect("erase");
    let export = f.state.store.export_person("i99").await.expect("export");
    assert!(!export.to_string().contains("Nora Ny"), "{export}");
}

#[tokio::test]
async fn mistakes_are_named_by_field_and_change_nothing() {
    let f = fixture().await;
    let before = f.state.store.current_data_hash().await.expect("hash");
    let mut bad = new_instructor("i98", "trondheim");
    bad["languages"] = json!(["norsk"]);
    bad["availability"] = json!([
        {"weekday": "tir", "start": "09:00", "end": "15:00"},
        {"weekday": "blursday", "start": "25:00", "end": "10:00"},
        {"weekday": "fre", "start": "14:00", "end": "10:00"}
    ]);
    bad["away"] = json!([{"from": "-390-01-01", "to": "2027-13-01"}]);
    let (s, body) = api(
        &f.state,
        "POST",
        "/api/instructors",
        &f.coord_all,
        Some(bad),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    let named = fields(&body);
    for field in [
        "availability[1].weekday",
        "availability[1].start",
        "away[0].from",
        "away[0].to",
    ] {
        assert!(named.contains(&field.to_string()), "{field} in {named:?}");
    }
    // Read errors come first; with them fixed, the dataset rules speak.
    let mut bad = new_instructor("i98", "trondheim");
    bad["languages"] = json!(["norsk"]);
    bad["availability"] = json!([{"weekday": "fre", "start": "14:00", "end": "10:00"}]);
    bad["away"] = json!([{"from": "2030-01-01", "to": "2029-01-01"}]);
    let (s, body) = api(
        &f.state,
        "POST",
        "/api/instructors",
        &f.coord_all,
        Some(bad),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    let named = fields(&body);
    for field in ["languages", "availability[0].end", "away[0].to"] {
        assert!(named.contains(&field.to_string()), "{field} in {named:?}");
    }
    // Hostile values: an id that is a path, a huge name, an id already taken.
    for (key, value) in [
        ("id", json!("../i01")),
        ("name", json!("x".repeat(10_000))),
        ("id", json!("i01")),
        ("association", json!("malvik")),
        ("email", json!("kari at example")),
        ("lang", json!("de")),
    ] {
        let mut bad = new_instructor("i98", "trondheim");
        bad[key] = value;
        let (s, body) = api(
            &f.state,
            "POST",
            "/api/instructors",
            &f.coord_all,
            Some(bad),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{key}: {body}");
        let field = if key == "name" { "name" } else { key };
        assert!(fields(&body).contains(&field.to_string()), "{key}: {body}");
    }
    // A body that is not the record at all.
    let (s, _) = api(
        &f.state,
        "POST",
        "/api/instructors",
        &f.coord_all,
        Some(json!({"id": "x", "surprise": true})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(
        f.state.store.current_data_hash().await.expect("hash"),
        before,
        "nothing was stored"
    );
}

#[tokio::test]
async fn a_coordinator_edits_only_their_own_cluster() {
    let f = two_clusters().await;
    // Bergen's coordinator cannot see, change or retire Trondheim's people or places.
    for (method, uri, body) in [
        ("GET", "/api/instructors/i01", None),
        (
            "PUT",
            "/api/instructors/i01",
            Some(new_instructor("i01", "trondheim")),
        ),
        ("DELETE", "/api/instructors/i01", None),
        ("GET", "/api/associations/malvik", None),
        ("DELETE", "/api/associations/malvik", None),
    ] {
        let (s, text) = api(&f.state, method, uri, &f.coord_bergen, body).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{method} {uri}: {text}");
    }
    let (_, body) = api(&f.state, "GET", "/api/instructors", &f.coord_bergen, None).await;
    let list: Vec<Value> = serde_json::from_str(&body).expect("json");
    assert_eq!(
        list.iter()
            .map(|i| i["id"].as_str().unwrap_or(""))
            .collect::<Vec<_>>(),
        ["b01"]
    );
    // Adding to another hub, or a small association to another cluster, or a hub.
    let (s, body) = api(
        &f.state,
        "POST",
        "/api/instructors",
        &f.coord_bergen,
        Some(new_instructor("b02", "trondheim")),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(fields(&body), ["association"]);
    let small = |cluster: &str, kind: &str| {
        json!({"id": "os", "name": "Os seniornett", "kind": kind, "lat": 60.19, "lon": 5.47,
               "municipality": "Bjørnafjorden", "cluster": cluster})
    };
    let (s, body) = api(
        &f.state,
        "POST",
        "/api/associations",
        &f.coord_bergen,
        Some(small("trondheim", "small")),
    )
    .await;
    assert_eq!(
        (s, fields(&body)),
        (StatusCode::BAD_REQUEST, vec!["cluster".to_string()])
    );
    let (s, body) = api(
        &f.state,
        "POST",
        "/api/associations",
        &f.coord_bergen,
        Some(small("bergen", "hub")),
    )
    .await;
    assert_eq!(
        (s, fields(&body)),
        (StatusCode::BAD_REQUEST, vec!["kind".to_string()])
    );
    let (s, body) = api(
        &f.state,
        "POST",
        "/api/associations",
        &f.coord_bergen,
        Some(small("bergen", "small")),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    // Instructors and associations cannot edit the cluster's data at all.
    for token in [&f.i01, &f.malvik] {
        let (s, _) = api(&f.state, "GET", "/api/instructors", token, None).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn retiring_what_others_point_at_is_refused_with_what_points_at_it() {
    let f = fixture().await;
    let (s, body) = api(
        &f.state,
        "DELETE",
        "/api/associations/trondheim",
        &f.coord_all,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body.contains("i01"),
        "names an instructor of the hub: {body}"
    );
    // A small association with an open submitted request.
    let (s, _) = api(
        &f.state,
        "POST",
        "/api/requests",
        &f.malvik,
        Some(json!({"topic": "smarttelefon", "language": "nb",
                    "sessions": [{"date": "2027-02-02", "start": "10:00", "end": "12:00"}]})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, body) = api(
        &f.state,
        "DELETE",
        "/api/associations/malvik",
        &f.coord_all,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert!(f.state.base().association("malvik").is_some());
    // Submissions are audited like every other change.
    let log = f.state.audit_log(&all(), 20).await.expect("audit");
    assert!(
        log.iter()
            .any(|e| e.actor == "association:malvik" && e.action == "submit"),
        "{log:?}"
    );
}

#[tokio::test]
async fn an_away_period_over_a_published_assignment_makes_a_repair_proposal_not_a_publication() {
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
    let request = published
        .dataset
        .requests
        .iter()
        .find(|r| r.id == a.request)
        .expect("request");
    let sessions = request.all_sessions();
    let token = f
        .state
        .store
        .create_token(Role::Instructor, &a.instructor)
        .await
        .expect("token");

    // Away on a day without any of their courses: nothing to repair.
    let (s, body) = api(&f.state, "GET", "/api/me/times", &token, None).await;
    assert_eq!(s, StatusCode::OK);
    let mut times: Value = serde_json::from_str(&body).expect("json");
    times["away"]
        .as_array_mut()
        .expect("list")
        .push(json!({"from": "2031-01-01", "to": "2031-01-02"}));
    let (s, body) = api(
        &f.state,
        "PUT",
        "/api/me/times",
        &token,
        Some(times.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(
        serde_json::from_str::<Value>(&body).expect("json")["repair_runs"],
        json!([])
    );

    // Away over the first session of a published course: a proposal without them there.
    let first = sessions.first().expect("a session").date.to_string();
    times["away"]
        .as_array_mut()
        .expect("list")
        .push(json!({"from": first, "to": first}));
    let (s, body) = api(&f.state, "PUT", "/api/me/times", &token, Some(times)).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let repairs = serde_json::from_str::<Value>(&body).expect("json")["repair_runs"].clone();
    let repair = repairs[0]
        .as_i64()
        .unwrap_or_else(|| panic!("a repair: {body}"));
    let proposal = f.state.store.run(repair).await.expect("repair run");
    assert_eq!(proposal.summary.status, "proposed");
    assert!(
        !proposal
            .assignments
            .iter()
            .any(|x| x.request == a.request && x.instructor == a.instructor),
        "the away instructor is not on that course in the proposal"
    );
    assert!(klynge::app::check::check_run(&proposal).is_empty());
    assert_eq!(
        f.state.store.run_status(run).await.expect("status"),
        "published",
        "the published rota stays until the coordinator publishes the repair"
    );
    // An instructor changes only their own times.
    let (s, _) = api(&f.state, "PUT", "/api/instructors/i01", &token, None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
