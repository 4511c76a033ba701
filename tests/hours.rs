//! Taught hours for the study association, on a small instance counted by hand.

use klynge::hours::{HoursRules, hours};
use klynge::i18n::Lang;

mod common;
use common::*;

/// r1: four Mondays 10:00–12:00 (480 min); r2: two Tuesdays 10:00–11:30 (180 min);
/// r3 is in Somali, which nobody speaks: uncovered, so no hours.
async fn planned() -> (tempfile::TempDir, klynge::run::Run) {
    let mut r2 = request("r2", "b", "2027-01-05", "10:00", "11:30", 2);
    r2.priority = 5;
    let mut r3 = request("r3", "a", "2027-01-06", "10:00", "12:00", 4);
    r3.language = "so".into();
    let ds = dataset(
        vec![small("a", 10.0), small("b", 20.0)],
        vec![instructor("i1"), instructor("i2")],
        vec![
            request("r1", "a", "2027-01-04", "10:00", "12:00", 4),
            r2,
            r3,
        ],
    );
    stored_run(&ds).await
}

#[tokio::test]
async fn hours_per_course_association_topic_and_in_all() {
    let (_dir, run) = planned().await;
    let h = hours(std::slice::from_ref(&run), &HoursRules::default());
    let courses: Vec<(&str, usize, u32, f64, f64, bool)> = h
        .courses
        .iter()
        .map(|c| {
            (
                c.request.as_str(),
                c.sessions,
                c.minutes,
                c.clock_hours,
                c.teaching_hours,
                c.below_minimum,
            )
        })
        .collect();
    assert_eq!(
        courses,
        [
            ("r1", 4, 480, 8.0, 10.7, false),
            ("r2", 2, 180, 3.0, 4.0, true),
        ]
    );
    assert_eq!(
        (h.total.minutes, h.total.clock_hours, h.total.teaching_hours),
        (660, 11.0, 14.7)
    );
    assert_eq!(h.by_association.len(), 2);
    assert_eq!(h.by_topic.len(), 1);
    assert_eq!(h.by_topic[0].teaching_hours, 14.7);
    assert_eq!(h.courses[0].instructors.len(), 1);
}

#[tokio::test]
async fn a_period_counts_its_sessions_but_judges_the_whole_course() {
    let (_dir, run) = planned().await;
    let rules = HoursRules {
        from: Some(date("2027-01-12")),
        to: Some(date("2027-01-24")),
        ..HoursRules::default()
    };
    let h = hours(std::slice::from_ref(&run), &rules);
    // r1: 18 Jan only; r2: 12 Jan only.
    let got: Vec<(&str, usize, bool)> = h
        .courses
        .iter()
        .map(|c| (c.request.as_str(), c.sessions, c.below_minimum))
        .collect();
    assert_eq!(got, [("r1", 1, false), ("r2", 1, true)]);
    // A 60-minute teaching hour and a lower minimum.
    let rules = HoursRules {
        teaching_minutes: 60,
        min_teaching_hours: 3.0,
        ..HoursRules::default()
    };
    let h = hours(std::slice::from_ref(&run), &rules);
    assert_eq!(h.total.teaching_hours, 11.0);
    assert!(h.courses.iter().all(|c| !c.below_minimum));
}

#[tokio::test]
async fn the_csv_opens_in_a_norwegian_spreadsheet() {
    let (_dir, run) = planned().await;
    let h = hours(std::slice::from_ref(&run), &HoursRules::default());
    let csv = klynge::export::hours_csv(&h, Lang::Nb);
    assert!(csv.starts_with('\u{feff}'), "UTF-8 with a byte-order mark");
    let header = csv.lines().next().expect("header");
    assert!(header.contains("forening;emne"), "{header}");
    assert!(csv.contains(";10,7;"), "decimal comma: {csv}");
    assert_eq!(csv.lines().count(), 3);
}

#[test]
fn numbers_read_as_norwegian_or_english() {
    assert_eq!(Lang::Nb.number(15994.06, 1), "15\u{a0}994,1");
    assert_eq!(Lang::En.number(15994.06, 1), "15,994.1");
    assert_eq!(Lang::Nb.number(1000.0, 0), "1000");
    assert_eq!(Lang::Nb.number(1234567.0, 0), "1\u{a0}234\u{a0}567");
    assert_eq!(Lang::Nb.number(-2.5, 1), "−2,5");
    assert_eq!(Lang::Nb.number(-0.01, 1), "0,0");
}

#[test]
fn the_command_refuses_bad_flags_with_a_reason() {
    let bin = env!("CARGO_BIN_EXE_klynge");
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("k.db").display().to_string();
    for args in [
        vec!["hours"],
        vec!["hours", "1", "--published"],
        vec!["hours", "--published", "--from", "-390-01-01"],
        vec!["hours", "--published", "--teaching-minutes", "0"],
        vec!["hours", "--published", "--min-teaching-hours", "NaN"],
    ] {
        let out = std::process::Command::new(bin)
            .args(["--db", &db])
            .args(&args)
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        assert!(!out.stderr.is_empty(), "{args:?} says why");
    }
    // Nothing published yet: an empty report, not an error.
    let out = std::process::Command::new(bin)
        .args(["--db", &db, "--lang", "en", "hours", "--published"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("In all: 0 courses"));
}

#[tokio::test]
async fn the_coordinator_sees_their_clusters_published_hours_on_a_page_and_as_csv() {
    use common::service::{send, two_clusters};
    let f = two_clusters().await;
    let all = common::service::all_clusters();
    let run = f.state.plan_now(&all).await.expect("plan");
    f.state.approve(&all, run).await.expect("approve");
    f.state.publish(&all, run).await.expect("publish");
    let get = |uri: &'static str, token: String| {
        let state = f.state.clone();
        async move {
            let bearer = format!("Bearer {token}");
            send(
                &state,
                "GET",
                uri,
                &[("authorization", &bearer)],
                String::new(),
            )
            .await
        }
    };
    let (s, _, html) = get("/coordinator/hours", f.coord_trondheim.clone()).await;
    assert_eq!(s, axum::http::StatusCode::OK);
    assert!(
        html.contains("Seniornett Malvik") && html.contains("I alt"),
        "{html}"
    );
    assert!(
        !html.contains("rb1"),
        "another cluster's course is not shown"
    );
    let (s, _, html) = get("/coordinator/hours", f.coord_bergen.clone()).await;
    assert_eq!(s, axum::http::StatusCode::OK);
    assert!(html.contains("rb1") && !html.contains("Seniornett Malvik"));
    let (s, headers, csv) = get("/coordinator/hours.csv", f.coord_bergen.clone()).await;
    assert_eq!(s, axum::http::StatusCode::OK);
    assert!(
        csv.starts_with('\u{feff}') && csv.lines().count() == 2,
        "{csv}"
    );
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap_or("")
            .starts_with("text/csv")
    );
    let (s, _, html) = get(
        "/coordinator/hours?from=-390-01-01&to=",
        f.coord_bergen.clone(),
    )
    .await;
    assert_eq!(s, axum::http::StatusCode::BAD_REQUEST);
    assert!(html.contains("er ikke en dato"));
    let (s, _, _) = get("/coordinator/hours", f.malvik.clone()).await;
    assert_eq!(s, axum::http::StatusCode::FORBIDDEN);
}
