//! The three request formats (docs/model.md §2–§5): one focused test per rule and stage
//! they add, each on a tiny instance whose optimum is known by hand, and the checker's
//! verdict on rotas that break them.

mod common;

use common::*;
use klynge::model::{Dataset, Format, Request};
use klynge::plan::{self, HardConstraint, Held, Reason, SolverKind};

/// Instructor `id` free only on `weekday` (09:00–15:00), speaking `languages`.
fn free_on(id: &str, weekday: chrono::Weekday, languages: &[&str]) -> klynge::model::Instructor {
    let mut i = instructor(id);
    i.availability = weekdays("09:00", "15:00")
        .into_iter()
        .filter(|s| s.weekday == weekday)
        .collect();
    i.languages = languages.iter().map(|l| l.to_string()).collect();
    i.max_sessions_per_week = 5;
    i
}

/// A drop-in at `a` on Monday 11 and Tuesday 12 January 2027, 10:00–12:00.
fn drop_in_mon_tue(needed: u32, language: &str) -> Request {
    let mut r = request("d", "a", "2027-01-11", "10:00", "12:00", 1);
    r.series = None;
    r.sessions = ["2027-01-11", "2027-01-12"]
        .iter()
        .map(|d| klynge::model::Session {
            date: date(d),
            start: hm("10:00"),
            end: hm("12:00"),
            origin: Default::default(),
        })
        .collect();
    r.format = Format::DropIn;
    r.instructors_needed = needed;
    r.language = language.into();
    r.priority = 2;
    r
}

fn checker(ds: &Dataset, rota: &[Held]) -> Vec<HardConstraint> {
    let scenario = plan::CheckScenario {
        max_km: None,
        max_minutes: None,
        travel: Default::default(),
        cluster_mode: plan::ClusterMode::Fixed,
        answers: Default::default(),
    };
    plan::check(ds, &scenario, rota)
        .into_iter()
        .map(|v| v.constraint)
        .collect()
}

#[test]
fn a_drop_in_is_staffed_session_by_session() {
    use chrono::Weekday::{Mon, Tue};
    // i1 is free on Mondays, i2 on Tuesdays: as a course nobody could take it; as a
    // drop-in each session gets its own instructor. Optimum by hand: both sessions, worth
    // p = 2 each.
    let ds = dataset(
        vec![small("a", 10.0)],
        vec![free_on("i1", Mon, &["nb"]), free_on("i2", Tue, &["nb"])],
        vec![drop_in_mon_tue(1, "nb")],
    );
    let o = solve(&ds);
    assert_eq!(o.figures.weighted_covered, 4.0);
    assert_eq!(o.figures.requests_covered, 1);
    let mut held: Vec<(Option<u32>, &str)> = o
        .assignments
        .iter()
        .map(|a| (a.part, a.instructor.as_str()))
        .collect();
    held.sort();
    assert_eq!(held, vec![(Some(0), "i1"), (Some(1), "i2")]);

    let mut course = ds.clone();
    course.requests[0].format = Format::Course;
    let o = solve(&course);
    assert_eq!(
        o.figures.weighted_covered, 0.0,
        "a course needs one instructor throughout"
    );
}

#[test]
fn a_drop_in_session_nobody_can_staff_is_uncovered_on_its_own() {
    use chrono::Weekday::Mon;
    // Only Mondays are staffed: the Tuesday session is uncovered, and says which it is.
    let ds = dataset(
        vec![small("a", 10.0)],
        vec![free_on("i1", Mon, &["nb"])],
        vec![drop_in_mon_tue(1, "nb")],
    );
    for solver in [SolverKind::Milp, SolverKind::Greedy] {
        let o = solve_with(&ds, &params(), solver);
        assert_eq!(o.figures.weighted_covered, 2.0);
        assert_eq!(o.figures.requests_covered, 0, "covered means every session");
        assert_eq!(o.figures.sessions_covered, 1);
        assert_eq!(o.uncovered.len(), 1);
        assert_eq!(o.uncovered[0].part, Some(1));
        assert_eq!(o.uncovered[0].label(klynge::i18n::Lang::Nb), "d, økt 2");
    }
}

#[test]
fn a_drop_in_in_two_languages_has_a_speaker_of_each() {
    use chrono::Weekday::Mon;
    // Two per session, in Arabic and Somali. i1 and i2 speak Arabic, i3 Somali and is the
    // farthest: the nearest pair (i1, i2) would leave Somali uncovered, so every session
    // gets i3 and one Arabic speaker.
    let mut i3 = free_on("i3", Mon, &["nb", "so"]);
    i3.lat = Some(HUB_LAT + 0.2);
    i3.lon = Some(HUB_LON);
    let ds = dataset(
        vec![small("a", 10.0)],
        vec![
            free_on("i1", Mon, &["nb", "ar"]),
            free_on("i2", Mon, &["nb", "ar"]),
            i3,
        ],
        vec![{
            let mut r = drop_in_mon_tue(2, "ar;so");
            r.sessions.truncate(1);
            r
        }],
    );
    for solver in [SolverKind::Milp, SolverKind::Greedy] {
        let o = solve_with(&ds, &params(), solver);
        assert_eq!(o.figures.weighted_covered, 2.0, "{solver:?}");
        assert!(
            o.assignments.iter().any(|a| a.instructor == "i3"),
            "{solver:?}"
        );
    }
    // The checker refuses the session staffed by the two Arabic speakers.
    let two_arabic = [Held::new("d", Some(0), "i1"), Held::new("d", Some(0), "i2")];
    assert_eq!(
        checker(&ds, &two_arabic),
        vec![HardConstraint::LanguageCover]
    );

    // Without i3 nobody who can come speaks Somali, and the explanation says so.
    let mut without = ds.clone();
    without.instructors.truncate(2);
    let o = solve(&without);
    assert_eq!(o.figures.weighted_covered, 0.0);
    assert_eq!(
        o.uncovered[0].reasons,
        vec![Reason::NoSpeakerCanCome {
            language: "so".into()
        }]
    );
}

/// One-to-one guidance at `a` on Monday 11 January 2027, 10:00–12:00, 30-minute slots.
fn guidance(desks: u32) -> Request {
    let mut r = request("g", "a", "2027-01-11", "10:00", "12:00", 1);
    r.format = Format::OneToOne;
    r.slot_minutes = Some(30);
    r.desks = Some(desks);
    r.priority = 3;
    r
}

#[test]
fn one_to_one_guidance_staffs_as_many_desks_as_it_can() {
    // Three desks of 4 slots each, two instructors: two desks, worth p·4·2 = 24 of 36.
    let ds = dataset(
        vec![small("a", 10.0)],
        vec![instructor("i1"), instructor("i2")],
        vec![guidance(3)],
    );
    for solver in [SolverKind::Milp, SolverKind::Greedy] {
        let o = solve_with(&ds, &params(), solver);
        assert_eq!(o.figures.weighted_covered, 24.0, "{solver:?}");
        assert_eq!(o.figures.weighted_total, 36.0);
        assert_eq!(o.assignments.len(), 2);
        assert!(
            o.uncovered.is_empty(),
            "a block with a desk staffed is staffed"
        );
    }
    // The checker refuses more instructors than desks, and a part the request lacks.
    let ds1 = dataset(
        vec![small("a", 10.0)],
        vec![instructor("i1"), instructor("i2")],
        vec![guidance(1)],
    );
    assert_eq!(
        checker(
            &ds1,
            &[Held::new("g", Some(0), "i1"), Held::new("g", Some(0), "i2")]
        ),
        vec![HardConstraint::Staffing]
    );
    assert_eq!(
        checker(&ds1, &[Held::new("g", Some(5), "i1")]),
        vec![HardConstraint::Staffing]
    );
    assert_eq!(
        checker(&ds1, &[Held::course("g", "i1")]),
        vec![HardConstraint::Staffing],
        "guidance is staffed by block, not as a whole"
    );
}

#[test]
fn one_instructor_cannot_staff_two_overlapping_parts() {
    // Two desks' worth of blocks at the same time would need two people: one instructor
    // staffs one block. Two drop-in sessions at the same hour on the same day, one
    // instructor: one session only.
    let mut r = drop_in_mon_tue(1, "nb");
    r.sessions[1].date = r.sessions[0].date;
    let ds = dataset(vec![small("a", 10.0)], vec![instructor("i1")], vec![r]);
    let o = solve(&ds);
    assert_eq!(o.figures.sessions_covered, 1);
    assert_eq!(
        checker(
            &ds,
            &[Held::new("d", Some(0), "i1"), Held::new("d", Some(1), "i1")]
        ),
        vec![HardConstraint::Overlap]
    );
}

/// The Monday–Tuesday drop-in, and i1 (near) and i2 (far) free on both days.
fn near_and_far_on_mon_tue() -> Dataset {
    use chrono::Weekday::{Mon, Tue};
    let mut both = weekdays("09:00", "15:00");
    both.retain(|s| s.weekday == Mon || s.weekday == Tue);
    let mut i1 = instructor("i1");
    i1.availability = both.clone();
    let mut i2 = instructor("i2");
    i2.availability = both;
    i2.lat = Some(HUB_LAT + 0.2);
    i2.lon = Some(HUB_LON);
    dataset(
        vec![small("a", 10.0)],
        vec![i1, i2],
        vec![drop_in_mon_tue(1, "nb")],
    )
}

#[test]
fn a_yes_to_a_drop_in_keeps_the_instructor_on_it() {
    // i1 (near) and i2 (far) are both free Monday and Tuesday; i2 said yes to the drop-in:
    // the plan keeps i2 on at least one session, though i1 is nearer.
    let ds = near_and_far_on_mon_tue();
    let p = plan::Params {
        answers: plan::Answers {
            accepted: vec![("d".into(), "i2".into())],
            declined: vec![],
        },
        ..params()
    };
    let o = solve_with(&ds, &p, SolverKind::Milp);
    assert_eq!(o.figures.weighted_covered, 4.0);
    assert!(o.assignments.iter().any(|a| a.instructor == "i2"));
    // A no excludes the instructor from every session.
    let p = plan::Params {
        answers: plan::Answers {
            accepted: vec![],
            declined: vec![("d".into(), "i1".into())],
        },
        ..params()
    };
    let o = solve_with(&ds, &p, SolverKind::Milp);
    assert!(o.assignments.iter().all(|a| a.instructor == "i2"));
    assert_eq!(o.assignments.len(), 2);
}

#[test]
fn a_repair_keeps_the_sessions_of_a_yes() {
    // The rota being repaired had i2 on Monday and i1 on Tuesday; i2 said yes. The repair
    // keeps i2's Monday (pinned), and without other reason changes nothing.
    let ds = near_and_far_on_mon_tue();
    let reference = vec![Held::new("d", Some(0), "i2"), Held::new("d", Some(1), "i1")];
    let p = plan::Params {
        answers: plan::Answers {
            accepted: vec![("d".into(), "i2".into())],
            declined: vec![],
        },
        repair: Some(plan::Repair {
            reference: reference.clone(),
        }),
        ..params()
    };
    let o = solve_with(&ds, &p, SolverKind::Milp);
    let mut now = o.pairs();
    now.sort();
    let mut want = reference;
    want.sort();
    assert_eq!(now, want);
}

/// Every output of the pilot's drop-in, through the command line: the rota lists each
/// session with its own staff, an instructor's calendar has one event per session they
/// staff, the summary and `explain` name the uncovered session, and the data exported
/// reads back with its format.
#[test]
fn the_pilot_drop_in_through_the_command_line() {
    use common::cli::{klynge, pilot, stdout};
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    stdout(klynge(&db).arg("import").arg(pilot()));
    let summary = stdout(klynge(&db).args(["--lang", "en", "plan"]));
    assert!(summary.contains("  r41, session 4: "), "{summary}");
    let csv = stdout(klynge(&db).args(["rota", "1", "--format", "csv"]));
    let r41: Vec<&str> = csv.lines().filter(|l| l.contains(",r41,")).collect();
    assert_eq!(
        r41.len(),
        10,
        "five sessions, two instructors each: {r41:?}"
    );
    assert!(!r41.iter().any(|l| l.contains("2027-02-03")), "{r41:?}");
    let ics = stdout(klynge(&db).args(["rota", "1", "--format", "ics", "--instructor", "i26"]));
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 5, "{ics}");
    // A drop-in's line on the map carries the one session it stands for.
    let geo: serde_json::Value = serde_json::from_str(&stdout(
        klynge(&db).args(["rota", "1", "--format", "geojson"]),
    ))
    .expect("geojson");
    let lines: Vec<&serde_json::Value> = geo["features"]
        .as_array()
        .expect("features")
        .iter()
        .filter(|f| f["properties"]["request"] == "r41")
        .collect();
    assert_eq!(lines.len(), 10);
    assert!(
        lines.iter().all(|f| f["properties"]["sessions"] == 1),
        "{lines:?}"
    );
    let explained = stdout(klynge(&db).args(["--lang", "nb", "explain", "1", "r41"]));
    // The request with its association and topic, as people know it, then the session.
    assert!(
        explained.starts_with("r41 (Seniornett Stjørdal, digihjelp), økt 4:"),
        "{explained}"
    );
    let back = dir.path().join("back");
    stdout(klynge(&db).args(["export"]).arg(&back));
    let ds = klynge::ingest::load(&back).expect("exported data loads");
    let r42 = ds.requests.iter().find(|r| r.id == "r42").expect("r42");
    assert_eq!(
        (r42.format, r42.slot_minutes, r42.desks),
        (Format::OneToOne, Some(30), Some(2))
    );
}
