//! Scenario files and the comparison of their runs.
//!
//! Long because each thing a scenario can change has its test beside its error cases.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use klynge::compare::{Change, compare, diff};
use klynge::ingest;
use klynge::model::ProblemKind;
use klynge::plan::{self, SolverKind};
use klynge::scenario::Scenario;
use klynge::store::{NewRun, Run, Store};

mod common;

fn scenario_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/trondelag/scenarios")
        .join(name)
}

/// Plans the scenario files into a fresh SQLite store and loads the runs back.
async fn plan_all(files: &[&str]) -> (tempfile::TempDir, Vec<Run>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("k.db").display().to_string())
        .await
        .expect("open");
    let mut runs = Vec::new();
    for f in files {
        let sc = Scenario::load(&scenario_file(f)).expect("scenario loads");
        let ds = sc
            .apply(ingest::load(&sc.dataset).expect("dataset"))
            .expect("apply");
        let o = plan::plan(&ds, &sc.params, SolverKind::Milp, &|_| {});
        assert!(plan::check(&ds, &o.check_scenario(&sc.params), &o.pairs()).is_empty());
        let id = store
            .save_run(&NewRun {
                scenario: &sc.name,
                dataset_name: "trondelag",
                dataset: &ds,
                params: &sc.params,
                outcome: &o,
                baseline: o.baseline.as_ref(),
            })
            .await
            .expect("save");
        runs.push(store.run(id).await.expect("load"));
    }
    store.close().await;
    (dir, runs)
}

#[tokio::test]
async fn tighter_travel_limit_never_covers_more() {
    let (_dir, runs) = plan_all(&["today.toml", "km80.toml", "km40.toml"]).await;
    let w: Vec<f64> = runs
        .iter()
        .map(|r| r.summary.figures.weighted_covered)
        .collect();
    assert!(
        w[0] >= w[1] && w[1] >= w[2],
        "weighted coverage today ≥ 80 km ≥ 40 km: {w:?}"
    );
    assert!(
        w[0] > w[2],
        "a 40 km limit must cost the pilot something: {w:?}"
    );
    assert_eq!(
        runs.iter()
            .map(|r| r.summary.scenario.as_str())
            .collect::<Vec<_>>(),
        ["today", "km80", "km40"]
    );
}

#[tokio::test]
async fn comparison_figures_and_diff_are_consistent() {
    let (_dir, runs) = plan_all(&["today.toml", "km40.toml"]).await;
    let c = compare(&runs);
    for (f, run) in c.runs.iter().zip(&runs) {
        let by_assoc: usize = f.coverage_by_association.values().map(|(c, _)| c).sum();
        assert_eq!(by_assoc, f.sessions_covered);
        let total: usize = f.coverage_by_association.values().map(|(_, t)| t).sum();
        assert_eq!(total, f.sessions_total);
        let nok = f.reimbursement_nok.expect("the scenarios set nok_per_km");
        assert!((nok - 3.5 * run.summary.figures.total_km).abs() < 1e-6);
        let (min, median, max) = f.sessions_per_instructor;
        assert!(
            min as f64 <= median && median <= max as f64 && max == run.summary.figures.max_load
        );
        assert_eq!(
            f.lent_across_clusters, 0,
            "fixed clusters lend to nobody else"
        );
    }
    // Applying the diff to the first rota gives the second.
    let staffing = |r: &Run| {
        let mut m: BTreeMap<(String, Option<u32>), Vec<String>> = BTreeMap::new();
        for a in &r.assignments {
            m.entry((a.request.clone(), a.part))
                .or_default()
                .push(a.instructor.clone());
        }
        m.values_mut().for_each(|v| v.sort());
        m
    };
    let mut rota = staffing(&runs[0]);
    let changes = &c.diffs[0].1;
    assert!(
        !changes.is_empty(),
        "a 40 km limit changes the pilot's rota"
    );
    for ch in changes {
        let key = (ch.key().0.to_owned(), ch.key().1);
        match ch {
            Change::Added { instructors, .. } => {
                assert!(rota.insert(key, instructors.clone()).is_none())
            }
            Change::Removed { .. } => assert!(rota.remove(&key).is_some()),
            Change::InstructorChanged { before, after, .. } => {
                assert_eq!(rota.insert(key, after.clone()).as_ref(), Some(before));
            }
        }
    }
    assert_eq!(rota, staffing(&runs[1]));
    assert!(diff(&runs[0].assignments, &runs[0].assignments).is_empty());
    // Gains and losses per association add up to the change in sessions covered.
    let net: i64 = c.shifts[0].1.iter().map(|(_, d)| d).sum();
    assert_eq!(
        net,
        c.runs[1].sessions_covered as i64 - c.runs[0].sessions_covered as i64
    );
    assert!(c.shifts[0].1.iter().all(|(_, d)| *d != 0));
    // Every format renders.
    let table = c.to_table(klynge::i18n::Lang::En);
    assert!(table.contains("Requests covered") && table.contains("Changes from run 1 to 2"));
    let json: serde_json::Value = serde_json::from_str(&c.to_json()).expect("json");
    assert_eq!(json["runs"].as_array().map(Vec::len), Some(2));
    assert!(c.to_csv(klynge::i18n::Lang::En).lines().count() > changes.len());
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p
}

#[test]
fn scenario_edits_remove_drop_and_cut_to_the_term() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pilot = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/trondelag");
    let f = write(
        dir.path(),
        "edit.toml",
        &format!(
            "dataset = {:?}\nremove_instructors = [\"i07\"]\ndrop_requests = [\"r05\"]\nterm_start = \"2027-02-01\"\nterm_end = \"2027-03-01\"\n",
            pilot.display().to_string()
        ),
    );
    let sc = Scenario::load(&f).expect("loads");
    assert_eq!(sc.name, "edit");
    let ds = sc
        .apply(ingest::load(&sc.dataset).expect("dataset"))
        .expect("apply");
    assert!(ds.instructors.iter().all(|i| i.id != "i07"));
    assert!(ds.requests.iter().all(|r| r.id != "r05"));
    for r in &ds.requests {
        for s in r.all_sessions() {
            assert!(
                s.date.to_string().as_str() >= "2027-02-01"
                    && s.date.to_string().as_str() <= "2027-03-01"
            );
        }
    }
}

#[test]
fn scenario_errors_name_the_file_line_and_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = write(
        dir.path(),
        "bad.toml",
        "dataset = \"..\"\nmax_km = \"far\"\n",
    );
    let p = Scenario::load(&bad).expect_err("bad type");
    assert_eq!(p.0[0].line, Some(2));
    let unknown = write(
        dir.path(),
        "unknown.toml",
        "dataset = \"..\"\nmax_kms = 3.0\n",
    );
    let p = Scenario::load(&unknown).expect_err("unknown field");
    assert!(
        p.render(klynge::i18n::Lang::En).contains("max_kms"),
        "{}",
        p.render(klynge::i18n::Lang::En)
    );
    let neg = write(
        dir.path(),
        "neg.toml",
        "dataset = \"..\"\ndetour_factor = 0.5\n",
    );
    let p = Scenario::load(&neg).expect_err("out of range");
    assert_eq!(p.0[0].column.as_deref(), Some("detour_factor"));
    let pilot = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/trondelag");
    let typo = write(
        dir.path(),
        "typo.toml",
        &format!(
            "dataset = {:?}\nremove_instructors = [\"i99\"]\n",
            pilot.display().to_string()
        ),
    );
    let sc = Scenario::load(&typo).expect("loads");
    let p = sc
        .apply(ingest::load(&sc.dataset).expect("dataset"))
        .expect_err("unknown id");
    assert_eq!(p.0[0].kind, ProblemKind::UnknownInstructor("i99".into()));
}

/// `plan::covers` solves only the request's component; it must say what the whole plan
/// says, for every request of the pilot, in two scenarios.
#[test]
fn covering_by_one_component_agrees_with_the_whole_plan() {
    for file in ["today.toml", "km40.toml"] {
        let sc = Scenario::load(&scenario_file(file)).expect("scenario");
        let ds = sc
            .apply(ingest::load(&sc.dataset).expect("dataset"))
            .expect("apply");
        let o = plan::plan(&ds, &sc.params, SolverKind::Milp, &|_| {});
        for r in &ds.requests {
            for part in r.parts() {
                let whole = o
                    .assignments
                    .iter()
                    .any(|a| a.request == r.id && a.part == part.index);
                assert_eq!(
                    plan::covers(&ds, &sc.params, &r.id, part.index),
                    whole,
                    "{file}: {} {:?}",
                    r.id,
                    part.index
                );
            }
        }
        assert!(!plan::covers(&ds, &sc.params, "no-such-request", None));
    }
}

/// Every fix `whatif` proposes, applied by this test on its own, gets the request covered
/// in a rota the checker accepts.
#[test]
fn each_proposed_fix_covers_the_request_when_applied() {
    use klynge::whatif::{Fix, fixes};
    let mut sc = Scenario::load(&scenario_file("km40.toml")).expect("scenario");
    sc.params.time_limit_s = 10.0;
    let ds = sc
        .apply(ingest::load(&sc.dataset).expect("dataset"))
        .expect("apply");
    let o = plan::plan(&ds, &sc.params, SolverKind::Milp, &|_| {});
    let mut tried = 0;
    for u in o
        .uncovered
        .iter()
        .filter(|u| ["r27", "r28", "r37", "r38"].contains(&u.request.as_str()))
    {
        for fix in fixes(&ds, &sc.params, (&u.request, u.part), &o.assignments) {
            let (mut changed, mut params) = (ds.clone(), sc.params.clone());
            match &fix {
                Fix::ScenarioMaxKm { km } => params.max_km = Some(*km),
                Fix::InstructorMaxKm { instructor, km } => {
                    changed
                        .instructors
                        .iter_mut()
                        .find(|i| &i.id == instructor)
                        .expect("instructor")
                        .max_km = *km;
                    params.max_km = params.max_km.map(|m| m.max(*km));
                }
                Fix::AlsoFree { instructor, slots } => {
                    let ins = changed
                        .instructors
                        .iter_mut()
                        .find(|i| &i.id == instructor)
                        .expect("instructor");
                    for (day, start, end) in slots {
                        ins.availability.push(klynge::model::Slot {
                            weekday: klynge::model::parse_weekday(day).expect("weekday"),
                            start: *start,
                            end: *end,
                            origin: Default::default(),
                        });
                    }
                }
                Fix::DropRequest { request, .. } => changed.requests.retain(|r| &r.id != request),
            }
            let after = plan::plan(&changed, &params, SolverKind::Milp, &|_| {});
            assert!(
                plan::check(&changed, &after.check_scenario(&params), &after.pairs()).is_empty()
            );
            assert!(
                after.assignments.iter().any(|a| a.request == u.request),
                "{fix:?} does not cover {}",
                u.request
            );
            tried += 1;
        }
    }
    assert!(
        tried >= 2,
        "expected fixes for the pilot's uncovered requests under a 40 km limit"
    );
}

/// A hub with three instructors and a scenario that plans a small association 30 km north
/// with two requests. Known answer: i2 is the only one in reach who teaches BankID (i3 teaches
/// it but travels 10 km), and i1 the only one who teaches e-mail.
#[test]
fn a_planned_association_is_covered_by_the_instructors_in_reach() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut i1 = common::instructor("i1");
    i1.max_km = 100.0;
    let mut i2 = common::instructor("i2");
    i2.topics = vec!["bankid".into()];
    i2.max_km = 100.0;
    let mut i3 = common::instructor("i3");
    i3.topics = vec!["bankid".into()];
    i3.max_km = 10.0;
    let base = common::dataset(vec![], vec![i1, i2, i3], vec![]);
    ingest::write_json(&base, &dir.path().join("data.json")).expect("write dataset");
    let planned_lat = common::HUB_LAT + 30.0 / 111.5;
    let f = write(
        dir.path(),
        "planned.toml",
        &format!(
            r#"dataset = "data.json"

[[add_associations]]
id = "ny"
name = "Planned"
lat = {planned_lat}
lon = {lon}
cluster = "hub"

[[add_requests]]
id = "q1"
association = "ny"
topic = "BankID"
language = "nb"
instructors_needed = 1
first_date = "2027-01-12"
start = "10:00"
end = "12:00"
count = 4
interval_days = 7

[[add_requests]]
id = "q2"
association = "ny"
topic = "epost"
language = "nb"
instructors_needed = 1
priority = 5
sessions = [{{ date = "2027-01-13", start = "10:00", end = "12:00" }}, {{ date = "2027-01-20", start = "10:00", end = "12:00" }}]
"#,
            lon = common::HUB_LON
        ),
    );
    let sc = Scenario::load(&f).expect("loads");
    let ds = sc
        .apply(ingest::load(&sc.dataset).expect("dataset"))
        .expect("apply");
    let ny = ds
        .association("ny")
        .expect("the planned association is added");
    assert_eq!(ny.kind, klynge::model::AssociationKind::Small);
    assert!(ny.opt_in, "opted in unless the scenario says otherwise");
    let q2 = ds.requests.iter().find(|r| r.id == "q2").expect("q2");
    assert_eq!((q2.priority, q2.all_sessions().len()), (5, 2));
    let o = common::solve(&ds);
    assert_eq!(common::rota(&o), ["q1:i2", "q2:i1"]);
}

#[test]
fn errors_in_added_requests_and_associations_name_their_place_and_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pilot = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/trondelag");
    let scenario = |name: &str, body: &str| {
        let f = write(
            dir.path(),
            name,
            &format!("dataset = {:?}\n{body}", pilot.display().to_string()),
        );
        let sc = Scenario::load(&f).expect("loads");
        sc.apply(ingest::load(&sc.dataset).expect("dataset"))
            .expect_err("a problem")
    };
    let request = "id = \"x1\"\ntopic = \"epost\"\nlanguage = \"nb\"\ninstructors_needed = 1\nfirst_date = \"2027-01-12\"\nstart = \"10:00\"\nend = \"12:00\"\n";
    let p = scenario(
        "unknown.toml",
        &format!(
            "[[add_requests]]\n{request}count = 4\ninterval_days = 7\nassociation = \"nowhere\"\n"
        ),
    );
    assert_eq!(p.0.len(), 1, "{}", p.render(klynge::i18n::Lang::En));
    assert!(
        p.0[0].file.ends_with("unknown.toml add_requests[0]"),
        "{}",
        p.0[0].file
    );
    assert_eq!(p.0[0].column.as_deref(), Some("association"));
    assert_eq!(
        p.0[0].kind,
        ProblemKind::UnknownAssociation("nowhere".into())
    );
    assert!(
        p.render(klynge::i18n::Lang::En)
            .contains("add_requests[0]: column 'association': unknown association 'nowhere'"),
        "{}",
        p.render(klynge::i18n::Lang::En)
    );
    // A series without its count names the missing field.
    let p = scenario(
        "series.toml",
        &format!("[[add_requests]]\n{request}interval_days = 7\nassociation = \"stjordal\"\n"),
    );
    assert_eq!(
        (p.0[0].column.as_deref(), &p.0[0].kind),
        (Some("count"), &ProblemKind::IncompleteSeries)
    );
    // A hub is not a planned association.
    let p = scenario(
        "hub.toml",
        "[[add_associations]]\nid = \"h\"\nname = \"H\"\nkind = \"hub\"\nlat = 63.0\nlon = 10.0\n",
    );
    assert!(
        p.0[0].file.ends_with("add_associations[0]"),
        "{}",
        p.0[0].file
    );
    assert_eq!(p.0[0].column.as_deref(), Some("kind"));
    // A misspelt field is refused when the file is read, with its line.
    let typo = write(
        dir.path(),
        "typo.toml",
        "dataset = \"..\"\n[[add_associations]]\nid = \"a\"\nname = \"A\"\nlat = 63.0\nlon = 10.0\nclustr = \"trondheim\"\n",
    );
    let p = Scenario::load(&typo).expect_err("unknown field");
    assert!(
        p.render(klynge::i18n::Lang::En).contains("clustr") && p.0[0].line == Some(7),
        "{}",
        p.render(klynge::i18n::Lang::En)
    );
}

/// The pilot's planned association in Namsos: its local volunteer covers the smartphone
/// course; nobody in reach teaches BankID or Helsenorge there. The rest of the pilot is
/// planned as today.
#[tokio::test]
async fn the_pilots_planned_association_covers_what_its_volunteer_teaches() {
    let (_dir, runs) = plan_all(&["today.toml", "planned.toml"]).await;
    let planned = &runs[1];
    let covered: Vec<&str> = planned
        .assignments
        .iter()
        .map(|a| a.request.as_str())
        .filter(|r| r.starts_with('p'))
        .collect();
    assert_eq!(covered, ["p01"], "{:?}", planned.assignments);
    let c = compare(&runs);
    assert_eq!(
        c.runs[1].coverage_by_association.get("namsos"),
        Some(&(8, 14))
    );
    assert_eq!(c.runs[0].coverage_by_association.get("namsos"), None);
    assert_eq!(c.shifts[0].1, [("namsos".to_string(), 8)]);
    assert!(
        c.to_table(klynge::i18n::Lang::En)
            .contains("  Seniornett Namsos (planlagt)"),
        "the comparison lists the planned association"
    );
    // Namsos is a white spot today and not with the planned association.
    let names = |ds: &klynge::model::Dataset| -> Vec<String> {
        klynge::whitespots::white_spots(
            ds,
            &klynge::generate::municipalities(),
            klynge::travel::TravelParams::default(),
            klynge::whitespots::Region::DatasetCounties,
        )
        .into_iter()
        .map(|s| s.municipality)
        .collect()
    };
    assert!(names(&runs[0].dataset).contains(&"Namsos".to_string()));
    assert!(!names(&planned.dataset).contains(&"Namsos".to_string()));
}

/// `compare` shows what each hub lends outside its cluster, against its cap if it has one:
/// the hub's instructor may help association b of another hub's cluster in open mode;
/// without a cap all three sessions are lent, with a cap of 2 only b1's two.
#[tokio::test]
async fn compare_shows_what_a_capped_hub_lends_against_its_cap() {
    use klynge::plan::{ClusterMode, SolverKind};
    let dir = tempfile::tempdir().expect("dir");
    let store = klynge::store::Store::open(&dir.path().join("k.db").display().to_string())
        .await
        .expect("store");
    let mut runs = Vec::new();
    for cap in [None, Some(2)] {
        let mut north = common::hub("north");
        north.lat += 0.5;
        let mut b = common::small("b", 5.0);
        b.cluster = Some("north".into());
        let mut b1 = common::request("b1", "b", "2027-01-11", "10:00", "12:00", 2);
        b1.priority = 5;
        let b2 = common::request("b2", "b", "2027-01-12", "14:00", "16:00", 1);
        let mut ds = common::dataset(vec![north, b], vec![common::instructor("i1")], vec![b1, b2]);
        ds.associations[0].lend_cap_sessions = cap;
        let p = klynge::plan::Params {
            cluster_mode: Some(ClusterMode::Open),
            ..common::params()
        };
        let planned = klynge::app::plan::plan_checked(&ds, &p, SolverKind::Milp, &|_| {})
            .unwrap_or_else(|e| panic!("{}", e.render(klynge::i18n::Lang::En, true)));
        let id = klynge::app::plan::save(&store, "t", "t", &planned)
            .await
            .expect("save");
        runs.push(store.run(id).await.expect("run"));
    }
    let cmp = klynge::compare::compare(&runs);
    assert_eq!(
        cmp.runs[0].lent_by_hub.get("hub"),
        Some(&(3, None)),
        "no cap: all three"
    );
    assert_eq!(cmp.runs[1].lent_by_hub.get("hub"), Some(&(2, Some(2))));
    let table = cmp.to_table(klynge::i18n::Lang::En);
    let row = table
        .lines()
        .find(|l| l.starts_with("Lent by Hub hub (sessions/cap)"))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(row.trim_end().ends_with("2/2"), "{row}");
}

/// `plan::covers_unit`, what explain asks of every candidate change (and which stops after
/// stage 1 where that already rules the request out), answers as the whole plan does, for
/// every request of a generated instance: covered ones and uncovered ones that someone
/// could have taken.
#[test]
fn covers_answers_as_the_whole_plan_does() {
    use klynge::plan::{self, Eligibility, Instance, Params, SolverKind};
    let ds = klynge::generate::generate(60, 4);
    let params = Params {
        time_limit_s: 60.0,
        ..Params::default()
    };
    let o = plan::plan(&ds, &params, SolverKind::Milp, &plan::quiet);
    let covered: std::collections::HashSet<&str> =
        o.assignments.iter().map(|a| a.request.as_str()).collect();
    let inst = Instance::new(&ds, params.clone());
    let elig = Eligibility::build(&inst);
    let (mut staffed, mut reachable_but_not) = (0, 0);
    for r in 0..inst.n_requests() {
        let id = inst.request(r).id.as_str();
        let yes = plan::covers_unit(&inst, &elig, r);
        assert_eq!(yes, covered.contains(id), "{id}");
        staffed += usize::from(yes);
        reachable_but_not += usize::from(!yes && !elig.by_request[r].is_empty());
    }
    assert!(
        staffed > 0 && reachable_but_not > 0,
        "{staffed} / {reachable_but_not}"
    );
}

/// `milp::staffs` for unit `r`, and the stages of the whole plan it started on the way
/// (none when a screen answered first).
fn staffs_and_stages(
    inst: &klynge::plan::Instance,
    elig: &klynge::plan::Eligibility,
    comp: &klynge::plan::decompose::Component,
    warm: &[usize],
    limits: (f64, f64),
    r: usize,
) -> (bool, Vec<klynge::plan::Stage>) {
    use klynge::plan::{Stage, milp};
    let ran = std::sync::Mutex::new(Vec::new());
    let record = |stage: Stage, end: Option<_>| {
        if end.is_none() {
            ran.lock().expect("lock").push(stage);
        }
    };
    let yes = milp::staffs(inst, elig, comp, warm, limits, r, &record);
    (yes, ran.into_inner().expect("lock"))
}

/// One instructor and a week of requests for the screens of `milp::staffs`: each decided
/// by a different stage of the whole plan.
fn one_instructor_week() -> klynge::model::Dataset {
    use common::{dataset, instructor, request, small};
    const MON: &str = "2027-01-11";
    const TUE: &str = "2027-01-12";
    const WED: &str = "2027-01-13";
    const THU: &str = "2027-01-14";
    // One instructor. r1 (priority 5) and r2 (priority 1) clash: the best coverage has r1
    // and not r2. Nobody else wants Tuesday's r3: it is in every best rota. r4 and r5 on
    // Wednesday are alike and clash: either one, a tie neither stage 1 nor stage 3 can
    // break. r6 (at a, 10 km away) and r7 (at b, 40 km) on Thursday clash: a tie in
    // coverage that travel breaks, so stage 3 answers and stage 4 does not run.
    let mut r1 = request("r1", "a", MON, "10:00", "12:00", 2);
    r1.priority = 5;
    let mut r2 = request("r2", "a", MON, "10:00", "12:00", 2);
    r2.priority = 1;
    let r3 = request("r3", "a", TUE, "10:00", "12:00", 1);
    let r4 = request("r4", "a", WED, "10:00", "12:00", 1);
    let r5 = request("r5", "a", WED, "10:00", "12:00", 1);
    let r6 = request("r6", "a", THU, "10:00", "12:00", 1);
    let r7 = request("r7", "b", THU, "10:00", "12:00", 1);
    dataset(
        vec![small("a", 10.0), small("b", 40.0)],
        vec![instructor("i1")],
        vec![r1, r2, r3, r4, r5, r6, r7],
    )
}

/// The LP screen of `milp::staffs` (docs/model.md §10) answers where forcing a request the
/// other way than greedy's rota costs coverage even in the LP relaxation, never on a tie,
/// and leaves to the MILP a request that only an integer rota keeps out, or keeps in (the
/// MILP, with the coverage as its cut-off, proving what the relaxation cannot).
#[test]
fn the_lp_relaxation_answers_only_what_it_proves() {
    use common::{dataset, instructor, request, small};
    use klynge::plan::{Eligibility, Instance, Params, decompose, greedy, milp};
    // Each request with what the LP screen tells and whether stages of the whole plan
    // run after it (only on a tie: otherwise the LP screen or the bonus answers).
    let check = |ds: &klynge::model::Dataset, expected: &[(&str, Option<bool>, bool)]| {
        let params = Params::default();
        let o = plan::plan(ds, &params, SolverKind::Milp, &plan::quiet);
        let inst = Instance::new(ds, params.clone());
        let elig = Eligibility::build(&inst);
        let comps = decompose::components(&elig, inst.n_instructors(), inst.n_requests());
        assert_eq!(comps.len(), 1);
        let warm = greedy::solve_for(&inst, &elig, &comps[0].requests);
        for &(id, told, stages_run) in expected {
            let r = (0..inst.n_requests())
                .find(|&r| inst.request(r).id == id)
                .expect("request");
            let whole = o.assignments.iter().any(|a| a.request == id);
            let lp = milp::relaxation_tells(&inst, &elig, &comps[0], &warm, r);
            assert_eq!(lp, told, "{id}");
            assert!(lp.is_none_or(|yes| yes == whole), "{id}");
            let limits = (10.0, params.mip_rel_gap);
            let (yes, ran) = staffs_and_stages(&inst, &elig, &comps[0], &warm, limits, r);
            assert_eq!(yes, whole, "{id}");
            assert_eq!(!ran.is_empty(), stages_run, "{id}: {ran:?}");
        }
    };
    // Coverage decides r1–r3: the LP too loses coverage with r2 in or r1 or r3 out. r4
    // and r5 are a tie in coverage, r6 and r7 one that travel breaks: no relaxation of
    // stage 1 can tell.
    check(
        &one_instructor_week(),
        &[
            ("r1", Some(true), false),
            ("r2", Some(false), false),
            ("r3", Some(true), false),
            ("r4", None, true),
            ("r5", None, true),
            ("r6", None, true),
            ("r7", None, true),
        ],
    );
    // At most 3 sessions in all: q1 (2 sessions, priority 5, worth 10) or q2 (2 sessions,
    // worth 6), not both. Forced out, q1 leaves at most 6; but forced in, q2 leaves room
    // for half of q1 in the relaxation (6 + 5 = 11, above greedy's 10): only the MILP
    // (the bonus stage) shows that q2 is never staffed.
    const MON: &str = "2027-01-11";
    const WED: &str = "2027-01-13";
    let mut i1 = instructor("i1");
    i1.max_sessions_total = Some(3);
    let mut q1 = request("q1", "a", MON, "10:00", "12:00", 2);
    q1.priority = 5;
    let q2 = request("q2", "a", WED, "10:00", "12:00", 2);
    let ds = dataset(vec![small("a", 10.0)], vec![i1], vec![q1, q2]);
    check(&ds, &[("q1", Some(true), false), ("q2", None, false)]);
    // At most 5 sessions in all: p1 (5 sessions, worth 10) alone is the best rota; p2 (3,
    // worth 9) and p3 (3, worth 3) do not fit together. Greedy takes p2 (w = 9), against
    // which no relaxation tells. The bonus stage staffs p1 at 10; with p1 forced out the
    // relaxation still reaches 9 + 2/3 · 3 = 11, but no rota more than 9: only the MILP
    // proves that every rota of coverage 10 staffs p1 (and not 9: one unit less would be
    // reached, a tie, and the stages would run).
    let mut i1 = instructor("i1");
    i1.max_sessions_total = Some(5);
    let mut p1 = request("p1", "a", MON, "10:00", "12:00", 5);
    p1.priority = 2;
    let mut p2 = request("p2", "a", "2027-01-12", "10:00", "12:00", 3);
    p2.priority = 3;
    let mut p3 = request("p3", "a", WED, "10:00", "12:00", 3);
    p3.priority = 1;
    let ds = dataset(vec![small("a", 10.0)], vec![i1], vec![p1, p2, p3]);
    check(
        &ds,
        &[
            ("p1", None, false),
            ("p2", None, false),
            ("p3", None, false),
        ],
    );
}

/// `milp::staffs` answers after stage 1 when stage 1 decides (docs/model.md §10): forcing a
/// request the other way than stage 1's rota costs coverage, so every rota the later
/// stages could end in agrees. Only a tie pays for stages 3 and 4.
#[test]
fn staffing_is_answered_by_the_first_stage_that_breaks_the_tie() {
    use klynge::plan::{Eligibility, Instance, Params, Stage, decompose, greedy};
    let ds = one_instructor_week();
    // With the default gap the LP screen or the bonus answers before stage 1. With a gap
    // of 10 % the whole plan's stage 1 could stop below the best coverage (19 here), so
    // the bonus cannot tell; there r1–r3 start from the empty rota, whose coverage (0)
    // the LP screen cannot beat, and the screen after stage 1 answers.
    for gap in [1e-4, 0.1] {
        let params = Params {
            mip_rel_gap: gap,
            ..Params::default()
        };
        let o = plan::plan(&ds, &params, SolverKind::Milp, &plan::quiet);
        let inst = Instance::new(&ds, params.clone());
        let elig = Eligibility::build(&inst);
        let comps = decompose::components(&elig, inst.n_instructors(), inst.n_requests());
        assert_eq!(comps.len(), 1);
        let warm = greedy::solve_for(&inst, &elig, &comps[0].requests);
        for (r, id) in ["r1", "r2", "r3", "r4", "r5", "r6", "r7"]
            .iter()
            .enumerate()
        {
            let start = if gap > 0.01 && r < 3 { &[][..] } else { &warm };
            let (yes, ran) = staffs_and_stages(&inst, &elig, &comps[0], start, (10.0, gap), r);
            let whole = o.assignments.iter().any(|a| a.request == *id);
            assert_eq!(yes, whole, "{id}, gap {gap}");
            let expected = match *id {
                "r4" | "r5" => vec![Stage::Coverage, Stage::Travel, Stage::Balance],
                "r6" | "r7" => vec![Stage::Coverage, Stage::Travel],
                // Answered before any stage of the whole plan runs.
                _ if gap < 0.01 => Vec::new(),
                // Answered after stage 1.
                _ => vec![Stage::Coverage],
            };
            assert_eq!(ran, expected, "{id}, gap {gap}");
        }
        assert_eq!(
            [
                o.assignments.iter().any(|a| a.request == "r1"),
                o.assignments.iter().any(|a| a.request == "r2"),
                o.assignments.iter().any(|a| a.request == "r3"),
                o.assignments.iter().any(|a| a.request == "r6"),
                o.assignments.iter().any(|a| a.request == "r7"),
            ],
            [true, false, true, true, false]
        );
    }
}
