//! Answers are law: the scenario that once stored a rota contradicting an instructor's
//! "no", end to end through the service, and `klynge check` on a run changed in the
//! database to bring a declined pair back.
//!
//! Long because it walks the whole life of an answer — given, kept, carried into later
//! runs, checked, shown — with one test per step and one per rule.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use klynge::server::router;
use klynge::store::Role;
use serde_json::Value;
use tower::ServiceExt;

mod common;

use common::service::{Fixture, fixture};

async fn call(f: &Fixture, method: &str, uri: &str, token: &str) -> (StatusCode, Value) {
    let (status, text) = common::service::api(&f.state, method, uri, token, None).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// The probe: r03 needs two instructors; one says yes, the other no, and nobody else can
/// take it. The "no" is recorded, nothing that breaks either answer is stored, and the
/// reason names both answers; planning again says the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_yes_and_a_no_that_cannot_both_be_kept_store_nothing_and_say_why() {
    let f = Arc::new(fixture().await);
    assert_eq!(common::service::plan(&f.state, &f.coord_all).await, 1);
    call(&f, "POST", "/api/runs/1/approve", &f.coord_all).await;
    assert_eq!(
        call(&f, "POST", "/api/runs/1/publish", &f.coord_all)
            .await
            .0,
        StatusCode::OK
    );
    let run = f.state.store.run(1).await.expect("run 1");
    let mut staff: Vec<String> = run
        .assignments
        .iter()
        .filter(|a| a.request == "r03")
        .map(|a| a.instructor.clone())
        .collect();
    staff.sort();
    assert_eq!(
        staff.len(),
        2,
        "the pilot's r03 needs two instructors: {staff:?}"
    );
    let (yes, no) = (staff[0].clone(), staff[1].clone());
    let token = |who: String| {
        let store = &f.state.store;
        async move {
            store
                .create_token(Role::Instructor, &who)
                .await
                .expect("token")
        }
    };
    let (yes_token, no_token) = (token(yes.clone()).await, token(no.clone()).await);
    let (s, body) = call(&f, "POST", "/api/assignments/1/r03/accept", &yes_token).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (s, body) = call(
        &f,
        "POST",
        "/api/assignments/1/r03/decline?lang=en",
        &no_token,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "the answer itself is taken: {body}");
    assert_eq!(body["repair_run"], Value::Null, "{body}");
    let problem = body["repair_problem"].as_str().expect("a reason");
    assert!(
        problem.contains(&format!("{yes} accepted r03")) && problem.contains(&no),
        "{problem}"
    );
    // Nothing new is stored, and run 1 is as it was.
    assert_eq!(f.state.store.runs().await.expect("runs").len(), 1);
    // Planning again fails with the same reason, in the coordinator's language.
    let job = common::service::queue_and_follow(&f.state, "/api/runs", &f.coord_all).await;
    assert_eq!(job["status"], "failed", "{job}");
    let (s, body) = call(
        &f,
        "GET",
        &format!("/api/jobs/{}?lang=en", job["id"]),
        &f.coord_all,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert!(
        body["error"]
            .as_str()
            .expect("message")
            .contains("cannot all be kept"),
        "{body}"
    );
    assert_eq!(f.state.store.runs().await.expect("runs").len(), 1);
}

/// A "no" on one run holds in the repairs of later runs too: answers belong to (request,
/// instructor), not to a run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_no_carries_over_into_later_runs() {
    let f = Arc::new(fixture().await);
    common::service::plan(&f.state, &f.coord_all).await;
    call(&f, "POST", "/api/runs/1/approve", &f.coord_all).await;
    call(&f, "POST", "/api/runs/1/publish", &f.coord_all).await;
    let (_, mine) = call(&f, "GET", "/api/assignments", &f.i01).await;
    let request = mine[0]["request"]
        .as_str()
        .expect("an assignment")
        .to_owned();
    let (s, body) = call(
        &f,
        "POST",
        &format!("/api/assignments/1/{request}/decline"),
        &f.i01,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let repair = body["repair_run"].as_i64().expect("a proposal");
    for step in ["approve", "publish"] {
        let uri = format!("/api/runs/{repair}/{step}");
        assert_eq!(call(&f, "POST", &uri, &f.coord_all).await.0, StatusCode::OK);
    }
    // A fresh plan, and a repair of the repair: i01 never gets the declined course back.
    let fresh = common::service::plan(&f.state, &f.coord_all).await;
    let again = common::service::repair(&f.state, &f.coord_all, repair).await["run"]
        .as_i64()
        .expect("id");
    for id in [repair, fresh, again] {
        let run = f.state.store.run(id).await.expect("run");
        assert!(
            !run.assignments
                .iter()
                .any(|a| a.request == request && a.instructor == "i01"),
            "run {id} brings back the declined pair"
        );
    }
}

/// `klynge check` knows the answers: a run changed in the database to bring back a
/// declined pair is flagged by name.
#[test]
fn check_flags_a_run_that_brings_back_a_declined_pair() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    let url = db.display().to_string();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let (request, instructor) = rt.block_on(async {
        let ds = klynge::ingest::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/trondelag"),
        )
        .expect("pilot");
        let store = klynge::store::Store::open(&url).await.expect("open");
        let params = klynge::plan::Params::default();
        let planned =
            klynge::app::plan::plan_checked(&ds, &params, klynge::plan::SolverKind::Milp, &|_| {})
                .unwrap_or_else(|e| panic!("{}", e.render(klynge::i18n::Lang::En, true)));
        klynge::app::plan::save(&store, "default", "trondelag", &planned)
            .await
            .expect("run 1");
        let a = planned.outcome.assignments[0].clone();
        assert!(
            store
                .respond(1, &a.request, &a.instructor, "declined")
                .await
                .expect("answer")
        );
        // Run 2: the same rota stored again after the "no" — what tampering looks like.
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        klynge::app::plan::save(&store, "tampered", "trondelag", &planned)
            .await
            .expect("run 2");
        store.close().await;
        (a.request, a.instructor)
    });
    let check = |run: &str| {
        assert_cmd::Command::cargo_bin("klynge")
            .expect("binary")
            .args(["--lang", "en", "--db"])
            .arg(&db)
            .args(["check", run])
            .env_remove("DATABASE_URL")
            .output()
            .expect("runs")
    };
    // Run 1 was made before the answer: it is still valid.
    assert!(check("1").status.success());
    let out = check("2");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Declined assignment proposed again")
            && err.contains(&request)
            && err.contains(&instructor),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// One focused test per rule, on a tiny instance whose answer is known by hand: one request,
// two instructors, i1 nearer than i2.

fn two_instructors() -> klynge::model::Dataset {
    use common::*;
    let mut far = instructor("i2");
    far.lat = Some(63.43 + 30.0 / 111.5);
    far.lon = Some(10.39);
    dataset(
        vec![small("a", 10.0)],
        vec![instructor("i1"), far],
        vec![request("r1", "a", "2027-01-11", "10:00", "12:00", 2)],
    )
}

fn with_answers(accepted: &[(&str, &str)], declined: &[(&str, &str)]) -> klynge::plan::Params {
    let pairs = |l: &[(&str, &str)]| -> Vec<(String, String)> {
        l.iter()
            .map(|(r, i)| (r.to_string(), i.to_string()))
            .collect()
    };
    klynge::plan::Params {
        answers: klynge::plan::Answers {
            accepted: pairs(accepted),
            declined: pairs(declined),
        },
        ..common::params()
    }
}

/// Rule Declined: with i1's "no", the farther i2 takes r1; with both "no"s, r1 is
/// uncovered and the reason says who declined.
#[test]
fn a_declined_pair_is_not_eligible() {
    use klynge::i18n::{Lang, Localized};
    use klynge::plan::SolverKind;
    let ds = two_instructors();
    assert_eq!(common::rota(&common::solve(&ds)), vec!["r1:i1"]);
    for solver in [SolverKind::Milp, SolverKind::Greedy] {
        let o = common::solve_with(&ds, &with_answers(&[], &[("r1", "i1")]), solver);
        assert_eq!(common::rota(&o), vec!["r1:i2"], "{solver:?}");
    }
    let o = common::solve_with(
        &ds,
        &with_answers(&[], &[("r1", "i1"), ("r1", "i2")]),
        SolverKind::Milp,
    );
    assert!(o.assignments.is_empty());
    let reasons: Vec<String> = o.uncovered[0]
        .reasons
        .iter()
        .map(|r| r.localized(Lang::En))
        .collect();
    assert_eq!(reasons, vec!["declined by i1, i2"]);
}

/// An accepted pair is pinned: i2's "yes" keeps the farther i2 on r1 in every plan.
#[test]
fn an_accepted_pair_is_pinned() {
    use klynge::plan::SolverKind;
    let ds = two_instructors();
    for solver in [SolverKind::Milp, SolverKind::Greedy] {
        let o = common::solve_with(&ds, &with_answers(&[("r1", "i2")], &[]), solver);
        assert_eq!(common::rota(&o), vec!["r1:i2"], "{solver:?}");
    }
}

/// The checker's two rules, by name.
#[test]
fn the_checker_names_a_broken_answer() {
    use klynge::i18n::Lang;
    use klynge::plan::{CheckScenario, ClusterMode, HardConstraint};
    let ds = two_instructors();
    let p = with_answers(&[("r1", "i2")], &[("r1", "i1")]);
    let scenario = CheckScenario {
        max_km: None,
        max_minutes: None,
        travel: p.travel,
        cluster_mode: ClusterMode::Fixed,
        answers: p.answers.clone(),
    };
    let v = klynge::plan::check(&ds, &scenario, &[klynge::plan::Held::course("r1", "i1")]);
    let kinds: Vec<HardConstraint> = v.iter().map(|v| v.constraint).collect();
    assert!(kinds.contains(&HardConstraint::DeclinedProposed), "{v:?}");
    assert!(kinds.contains(&HardConstraint::AcceptedDropped), "{v:?}");
    let text: Vec<String> = v.iter().map(|v| v.render(Lang::En)).collect();
    assert!(
        text.iter()
            .any(|t| t.starts_with("Declined assignment proposed again")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.starts_with("Accepted assignment dropped")),
        "{text:?}"
    );
    assert!(
        klynge::plan::check(&ds, &scenario, &[klynge::plan::Held::course("r1", "i2")]).is_empty()
    );
}

/// People see the published rota, with a newer proposal shown as such: after a "no", the
/// association still sees its published instructors and the proposed change beside them,
/// the instructor's other "yes" stays a yes, and the calendar follows what is published.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_see_the_published_rota_and_proposals_as_proposals() {
    let f = Arc::new(fixture().await);
    common::service::plan(&f.state, &f.coord_all).await;
    call(&f, "POST", "/api/runs/1/approve", &f.coord_all).await;
    call(&f, "POST", "/api/runs/1/publish", &f.coord_all).await;
    let (_, mine) = call(&f, "GET", "/api/assignments", &f.i01).await;
    let mine = mine.as_array().expect("list").clone();
    assert!(mine.len() >= 2, "i01 has two courses in the pilot");
    let (keep, drop) = (
        mine[0]["request"].as_str().expect("id").to_owned(),
        mine[1]["request"].as_str().expect("id").to_owned(),
    );
    call(
        &f,
        "POST",
        &format!("/api/assignments/1/{keep}/accept"),
        &f.i01,
    )
    .await;
    let (s, body) = call(
        &f,
        "POST",
        &format!("/api/assignments/1/{drop}/decline"),
        &f.i01,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let proposal = body["repair_run"].as_i64().expect("a proposal");
    // The instructor: the published rota (run 1), the yes still a yes, the no a no.
    let (_, now) = call(&f, "GET", "/api/assignments", &f.i01).await;
    let now = now.as_array().expect("list");
    let row = |r: &str| {
        now.iter()
            .find(|a| a["request"] == r)
            .cloned()
            .expect("listed")
    };
    assert_eq!(row(&keep)["answer"], "accepted");
    assert_eq!(row(&keep)["run_status"], "published");
    assert_eq!(row(&drop)["answer"], "declined");
    assert!(now.iter().all(|a| a["run"] == 1 || a["run"] == proposal));
    // The repair is published only after approval; then everyone sees it.
    let (s, _) = call(
        &f,
        "POST",
        &format!("/api/runs/{proposal}/publish"),
        &f.coord_all,
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    call(
        &f,
        "POST",
        &format!("/api/runs/{proposal}/approve"),
        &f.coord_all,
    )
    .await;
    let (s, _) = call(
        &f,
        "POST",
        &format!("/api/runs/{proposal}/publish"),
        &f.coord_all,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (_, after) = call(&f, "GET", "/api/assignments", &f.i01).await;
    let after = after.as_array().expect("list");
    assert!(after.iter().all(|a| a["run"] == proposal), "{after:?}");
    assert!(!after.iter().any(|a| a["request"] == drop.as_str()));
    assert!(
        after
            .iter()
            .any(|a| a["request"] == keep.as_str() && a["answer"] == "accepted")
    );
}

/// An association's request shows the published instructors, and a pending proposal that
/// would change them, beside them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_association_sees_a_pending_change_as_pending() {
    let f = Arc::new(fixture().await);
    let body = serde_json::json!({
        "topic": "smarttelefon", "language": "nb", "priority": 5,
        "series": { "first_date": "2027-01-12", "start": "10:00", "end": "12:00", "count": 4, "interval_days": 7 }
    });
    let req = Request::builder()
        .method("POST")
        .uri("/api/requests")
        .header("authorization", format!("Bearer {}", f.malvik))
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    let resp = router(f.state.clone())
        .oneshot(req)
        .await
        .expect("response");
    assert_eq!(resp.status(), StatusCode::CREATED);
    common::service::plan(&f.state, &f.coord_all).await;
    call(&f, "POST", "/api/runs/1/approve", &f.coord_all).await;
    call(&f, "POST", "/api/runs/1/publish", &f.coord_all).await;
    let (_, list) = call(&f, "GET", "/api/requests", &f.malvik).await;
    let row = list[0].clone();
    assert_eq!(row["status"], "proposed", "{row}");
    assert!(row.get("pending").is_none(), "nothing pending yet: {row}");
    // Its instructor says no: the published instructor stays shown, the change is pending.
    let run = f.state.store.run(1).await.expect("run");
    let id = row["id"].as_str().expect("id");
    let who = run
        .assignments
        .iter()
        .find(|a| a.request == id)
        .expect("the new request is covered in the pilot")
        .instructor
        .clone();
    let token = f
        .state
        .store
        .create_token(Role::Instructor, &who)
        .await
        .expect("token");
    let (s, body) = call(
        &f,
        "POST",
        &format!("/api/assignments/1/{id}/decline"),
        &token,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (_, list) = call(&f, "GET", "/api/requests", &f.malvik).await;
    let row = list[0].clone();
    assert_eq!(row["instructors"][0], run.instructor_name(&who), "{row}");
    assert!(
        row["pending"].is_array(),
        "the change is shown as pending: {row}"
    );
    assert!(
        !row["pending"]
            .as_array()
            .expect("list")
            .iter()
            .any(|n| n == &Value::from(run.instructor_name(&who))),
        "{row}"
    );
}

/// Publishing a run of another term (other requests of the same associations) leaves this
/// term's published rota published; a re-plan of the same requests replaces it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_terms_publication_leaves_this_terms_rota() {
    use klynge::app::lifecycle::{approve, publish};
    let f = fixture().await;
    let store = &f.state.store;
    let ds = (*f.state.base()).clone();
    let plan = |ds: klynge::model::Dataset| {
        klynge::app::plan::plan_checked(
            &ds,
            &klynge::plan::Params::default(),
            klynge::plan::SolverKind::Milp,
            &|_| {},
        )
        .unwrap_or_else(|e| panic!("{}", e.render(klynge::i18n::Lang::En, true)))
    };
    let autumn = plan(ds.clone());
    // Spring: the same requests a year later, under new ids.
    let mut spring_ds = ds.clone();
    for r in &mut spring_ds.requests {
        r.id = format!("v27-{}", r.id);
        if let Some(s) = &mut r.series {
            s.first_date = s
                .first_date
                .checked_add_signed(chrono::Duration::days(364))
                .expect("date");
        }
    }
    let spring = plan(spring_ds);
    for (name, p) in [
        ("autumn", &autumn),
        ("spring", &spring),
        ("autumn-again", &autumn),
    ] {
        let id = klynge::app::plan::save(store, name, "pilot", p)
            .await
            .expect("save");
        approve(store, "test", id).await.expect("approve");
        publish(store, "test", &store.run(id).await.expect("run"))
            .await
            .expect("publish");
    }
    let status = |id| async move { store.run(id).await.expect("run").summary.status };
    assert_eq!(
        status(1).await,
        "superseded",
        "the re-plan of the same term replaced it"
    );
    assert_eq!(status(2).await, "published", "another term's rota stays");
    assert_eq!(status(3).await, "published");
}

/// An answer is in the audit trail under its instructor; the person's export holds it, and
/// erasing the person keeps what was done but not by whom.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_are_audited_and_covered_by_export_and_erasure() {
    let f = Arc::new(fixture().await);
    common::service::plan(&f.state, &f.coord_all).await;
    call(&f, "POST", "/api/runs/1/approve", &f.coord_all).await;
    call(&f, "POST", "/api/runs/1/publish", &f.coord_all).await;
    let (_, mine) = call(&f, "GET", "/api/assignments", &f.i01).await;
    let request = mine[0]["request"].as_str().expect("id").to_owned();
    call(
        &f,
        "POST",
        &format!("/api/assignments/1/{request}/accept"),
        &f.i01,
    )
    .await;
    let log = f.state.store.audit_log(10).await.expect("log");
    let actions: Vec<(String, String)> = log
        .iter()
        .map(|e| (e.actor.clone(), e.action.clone()))
        .collect();
    assert_eq!(
        actions[0],
        ("instructor:i01".to_owned(), "answer".to_owned()),
        "{log:?}"
    );
    assert_eq!(
        actions[1],
        ("coordinator:*".to_owned(), "publish".to_owned()),
        "{log:?}"
    );
    assert_eq!(
        actions[2],
        ("coordinator:*".to_owned(), "approve".to_owned()),
        "{log:?}"
    );
    let export = f.state.store.export_person("i01").await.expect("export");
    assert_eq!(export["audit"][0]["detail"], format!("{request} accepted"));
    f.state.store.erase_person("i01").await.expect("erase");
    let log = f.state.store.audit_log(10).await.expect("log");
    assert!(!log.iter().any(|e| e.actor.contains("i01")), "{log:?}");
    assert_eq!(log[0].action, "answer", "what was done is kept");
}
