//! One focused test per eligibility rule, hard constraint and objective stage, each on a
//! tiny instance whose optimum is known by hand. Every rota is also passed through the
//! independent checker (see `common::solve`).
//!
//! Long because it holds one test per rule, constraint and stage, on purpose explicit.

mod common;

use common::*;
use klynge::i18n::Localized;
use klynge::plan::{
    self, ClusterMode, HardConstraint, Limit, Reason, Rule, SolverKind, Stage, StageStatus,
};

// 2027-01-11 is a Monday.
const MON: &str = "2027-01-11";
const TUE: &str = "2027-01-12";

fn uncovered_reasons(o: &plan::Outcome, request: &str) -> Vec<Reason> {
    o.uncovered
        .iter()
        .find(|u| u.request == request)
        .map(|u| u.reasons.clone())
        .unwrap_or_default()
}

// ---------- eligibility rules ----------

#[test]
fn rule_topic_instructor_must_teach_the_topic() {
    let mut i = instructor("i1");
    i.topics = vec!["nettbank".into()];
    let ds = dataset(
        vec![small("a", 10.0)],
        vec![i],
        vec![request("r1", "a", MON, "10:00", "12:00", 2)],
    );
    let o = solve(&ds);
    assert!(o.assignments.is_empty());
    assert_eq!(
        uncovered_reasons(&o, "r1"),
        vec![Reason::NoTopic {
            topic: "epost".into()
        }]
    );
}

#[test]
fn rule_language_instructor_must_speak_the_language() {
    let mut r = request("r1", "a", MON, "10:00", "12:00", 2);
    r.language = "so".into();
    let ds = dataset(vec![small("a", 10.0)], vec![instructor("i1")], vec![r]);
    let o = solve(&ds);
    assert!(o.assignments.is_empty());
    assert_eq!(
        uncovered_reasons(&o, "r1"),
        vec![Reason::NoLanguage {
            language: "so".into()
        }]
    );
}

#[test]
fn rule_distance_uses_the_smaller_of_own_and_scenario_limit() {
    // 40 geodesic km × 1.3 = 52 km road.
    let mut i = instructor("i1");
    i.max_km = 60.0;
    let ds = dataset(
        vec![small("a", 40.0)],
        vec![i],
        vec![request("r1", "a", MON, "10:00", "12:00", 1)],
    );
    assert_eq!(rota(&solve(&ds)), vec!["r1:i1"]);

    let mut p = params();
    p.max_km = Some(50.0);
    let o = solve_with(&ds, &p, SolverKind::Milp);
    assert!(o.assignments.is_empty());
    match &uncovered_reasons(&o, "r1")[..] {
        [
            Reason::TooFar {
                nearest,
                km,
                limit,
                minutes,
                minute_limit,
            },
        ] => {
            assert_eq!(nearest, "i1");
            assert!((km - 52.0).abs() < 0.5, "km {km}");
            assert_eq!(*limit, 50.0);
            // No minute limit anywhere: the reason says nothing of minutes.
            assert_eq!((*minutes, *minute_limit), (None, None));
        }
        other => panic!("unexpected reasons {other:?}"),
    }
}

#[test]
fn rule_distance_holds_the_tighter_minute_limit_of_instructor_and_scenario() {
    // A slow road: 20 km but 45 minutes (a travel row), well within every km limit.
    let mut ds = dataset(
        vec![small("a", 10.0)],
        vec![instructor("i1"), instructor("i2")],
        vec![request("r1", "a", MON, "10:00", "12:00", 1)],
    );
    ds.travel.push(klynge::model::TravelRow {
        from: "hub".into(),
        to: "a".into(),
        km: 20.0,
        minutes: Some(45),
        origin: Default::default(),
    });
    // i1 may travel 44 minutes: 45 > 44, so only i2 can take r1.
    ds.instructors[0].max_minutes = Some(44);
    assert_eq!(rota(&solve(&ds)), vec!["r1:i2"]);
    // The limit is inclusive: at 45 minutes i1 may go (alone, she is the only choice).
    let mut alone = ds.clone();
    alone.instructors.truncate(1);
    alone.instructors[0].max_minutes = Some(45);
    assert_eq!(rota(&solve(&alone)), vec!["r1:i1"]);

    // A scenario limit of 44 minutes binds everyone: r1 is too far for both.
    ds.instructors[0].max_minutes = None;
    let mut p = params();
    p.max_minutes = Some(44);
    let o = solve_with(&ds, &p, SolverKind::Milp);
    assert!(o.assignments.is_empty());
    assert_eq!(
        uncovered_reasons(&o, "r1"),
        vec![Reason::TooFar {
            nearest: "i1".into(),
            km: 20.0,
            limit: 500.0,
            minutes: Some(45),
            minute_limit: Some(44),
        }]
    );
    // The checker rejects the pair under the same rule, in minutes.
    let v = plan::check(
        &ds,
        &o.check_scenario(&p),
        &[plan::Held::course("r1", "i1")],
    );
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0].rule, Some(Rule::Distance));
    assert_eq!(v[0].detail, "45 min > 44 min");
}

#[test]
fn rule_availability_session_widened_by_travel_must_fit_a_slot() {
    // 46.15 km north → 60 km road → 60 minutes each way: 10:00–12:00 needs 09:00–13:00.
    let mut fits = instructor("fits");
    fits.availability = weekdays("09:00", "13:00");
    let mut tight = instructor("tight");
    tight.availability = weekdays("09:01", "13:00");
    let ds = dataset(
        vec![small("a", 60.0 / 1.3)],
        vec![tight, fits],
        vec![request("r1", "a", MON, "10:00", "12:00", 1)],
    );
    let inst = plan::Instance::new(&ds, params());
    let elig = plan::Eligibility::build(&inst);
    assert_eq!(elig.failed_rules(0, 0), vec![Rule::Availability]);
    assert_eq!(elig.failed_rules(1, 0), Vec::<Rule>::new());
    assert_eq!(rota(&solve(&ds)), vec!["r1:fits"]);
}

#[test]
fn rule_blackout_no_session_on_a_blackout_date() {
    let mut away = instructor("away");
    away.blackouts = vec![blackout("2027-01-18", "2027-01-20")];
    let ds = dataset(
        vec![small("a", 5.0)],
        vec![away],
        vec![request("r1", "a", MON, "10:00", "12:00", 3)],
    );
    let o = solve(&ds);
    assert!(o.assignments.is_empty());
    assert_eq!(
        uncovered_reasons(&o, "r1"),
        vec![Reason::Unavailable {
            instructors: vec![klynge::plan::Unavailable {
                instructor: "away".into(),
                rules: vec![Rule::Blackout],
                // Mondays 11, 18, 25 January: only the 18th is in the blackout.
                dates: vec![date("2027-01-18")],
            }]
        }]
    );
}

#[test]
fn rule_opt_in_association_must_take_part() {
    let mut a = small("a", 5.0);
    a.opt_in = false;
    let ds = dataset(
        vec![a],
        vec![instructor("i1")],
        vec![request("r1", "a", MON, "10:00", "12:00", 1)],
    );
    let o = solve(&ds);
    assert!(o.assignments.is_empty());
    assert_eq!(uncovered_reasons(&o, "r1"), vec![Reason::NotOptedIn]);
}

#[test]
fn rule_cluster_fixed_mode_only_the_own_hub_lends() {
    let mut other_hub = hub("north");
    other_hub.lat += 0.05;
    let mut a = small("a", 5.0);
    a.cluster = Some("north".into());
    let mut b = small("b", 5.0);
    b.cluster = None;
    let ds = dataset(
        vec![other_hub, a, b],
        vec![instructor("near")],
        vec![
            request("r1", "a", MON, "10:00", "12:00", 1),
            request("r2", "b", TUE, "10:00", "12:00", 1),
        ],
    );
    // fixed (the default, since clusters are named): the hub's instructor may not go to a.
    let o = solve(&ds);
    assert!(o.assignments.is_empty());
    assert_eq!(o.cluster_mode, ClusterMode::Fixed);
    assert_eq!(uncovered_reasons(&o, "r2"), vec![Reason::NoCluster]);
    // open: any hub within reach.
    let mut p = params();
    p.cluster_mode = Some(ClusterMode::Open);
    assert_eq!(
        rota(&solve_with(&ds, &p, SolverKind::Milp)),
        vec!["r1:near", "r2:near"]
    );
}

// ---------- hard constraints ----------

#[test]
fn constraint_staffing_k_instructors_or_none() {
    let mut r = request("r1", "a", MON, "10:00", "12:00", 2);
    r.instructors_needed = 2;
    let ds = dataset(
        vec![small("a", 5.0)],
        vec![instructor("i1")],
        vec![r.clone()],
    );
    let o = solve(&ds);
    assert!(
        o.assignments.is_empty(),
        "one instructor cannot staff a request that needs two"
    );
    assert_eq!(
        uncovered_reasons(&o, "r1"),
        vec![Reason::TooFewEligible {
            needed: 2,
            eligible: 1
        }]
    );

    let ds = dataset(
        vec![small("a", 5.0)],
        vec![instructor("i1"), instructor("i2")],
        vec![r],
    );
    assert_eq!(rota(&solve(&ds)), vec!["r1:i1", "r1:i2"]);

    // The checker catches a request with too few instructors.
    let v = plan::check(
        &ds,
        &solve(&ds).check_scenario(&params()),
        &[plan::Held::course("r1", "i1")],
    );
    assert_eq!(
        v.iter().map(|v| v.constraint).collect::<Vec<_>>(),
        vec![HardConstraint::Staffing]
    );
}

#[test]
fn constraint_overlap_one_place_at_a_time_touching_is_fine() {
    // Same venue as the hub (no travel): 10–12 and 12–14 touch, 11–13 overlaps both.
    let mut r3 = request("r3", "a", MON, "11:00", "13:00", 1);
    r3.priority = 1;
    let ds = dataset(
        vec![small("a", 0.0)],
        vec![instructor("i1")],
        vec![
            request("r1", "a", MON, "10:00", "12:00", 1),
            request("r2", "a", MON, "12:00", "14:00", 1),
            r3,
        ],
    );
    assert_eq!(rota(&solve(&ds)), vec!["r1:i1", "r2:i1"]);
    let v = plan::check(
        &ds,
        &solve(&ds).check_scenario(&params()),
        &[
            plan::Held::course("r1", "i1"),
            plan::Held::course("r3", "i1"),
        ],
    );
    assert_eq!(
        v.iter().map(|v| v.constraint).collect::<Vec<_>>(),
        vec![HardConstraint::Overlap]
    );
}

/// An instructor allowed one session a week gets no clique rows (docs/model.md §5): the
/// week's row keeps them to one of two clashing courses, and to one of two that do not
/// clash in that week.
#[test]
fn constraint_overlap_with_one_session_a_week_holds_through_the_weekly_row() {
    let mut one = instructor("i1");
    one.max_sessions_per_week = 1;
    let mut low = request("r3", "a", MON, "11:00", "13:00", 1);
    low.priority = 1;
    let ds = dataset(
        vec![small("a", 0.0)],
        vec![one],
        vec![
            request("r1", "a", MON, "10:00", "12:00", 1),
            request("r2", "a", TUE, "10:00", "12:00", 1),
            low,
        ],
    );
    let o = solve(&ds);
    // One course in the week, and not the one that clashes with r1 at a lower priority.
    assert_eq!(rota(&o).len(), 1, "{:?}", rota(&o));
    assert!(!rota(&o).contains(&"r3:i1".to_string()), "{:?}", rota(&o));
}

#[test]
fn constraint_overlap_counts_travel_time() {
    // 30 min travel each way: 10–12 at a and 12:30–14:30 at b (another association, so
    // another venue) overlap once widened (…12:30 vs 12:00…); 13:00–15:00 does not.
    let ds = thirty_minutes(dataset(
        vec![small("a", 20.0), small("b", 20.0)],
        vec![instructor("i1")],
        vec![
            request("r1", "a", MON, "10:00", "12:00", 1),
            request("r2", "b", MON, "12:30", "14:30", 1),
        ],
    ));
    assert_eq!(solve(&ds).assignments.len(), 1);
    let ds2 = thirty_minutes(dataset(
        vec![small("a", 20.0), small("b", 20.0)],
        vec![instructor("i1")],
        vec![
            request("r1", "a", MON, "10:00", "12:00", 1),
            request("r2", "b", MON, "13:00", "15:00", 1),
        ],
    ));
    assert_eq!(solve(&ds2).assignments.len(), 2);
}

#[test]
fn constraint_weekly_sessions_limit() {
    let mut i = instructor("i1");
    i.max_sessions_per_week = 1;
    let mut r2 = request("r2", "a", TUE, "10:00", "12:00", 1);
    r2.priority = 5;
    let ds = dataset(
        vec![small("a", 5.0)],
        vec![i],
        vec![request("r1", "a", MON, "10:00", "12:00", 1), r2],
    );
    assert_eq!(rota(&solve(&ds)), vec!["r2:i1"]);
    let v = plan::check(
        &ds,
        &solve(&ds).check_scenario(&params()),
        &[
            plan::Held::course("r1", "i1"),
            plan::Held::course("r2", "i1"),
        ],
    );
    assert_eq!(
        v.iter().map(|v| v.constraint).collect::<Vec<_>>(),
        vec![HardConstraint::WeeklySessions]
    );
}

#[test]
fn constraint_weekly_hours_include_round_trip_travel() {
    // 30 min each way + 2 h teaching = 3 h per session.
    let mut i = instructor("i1");
    i.max_hours_per_week = Some(3.0);
    let one = dataset(
        vec![small("a", 30.0 / 1.3)],
        vec![i.clone()],
        vec![request("r1", "a", MON, "10:00", "12:00", 1)],
    );
    assert_eq!(solve(&one).assignments.len(), 1);
    i.max_hours_per_week = Some(2.9);
    let none = dataset(
        vec![small("a", 30.0 / 1.3)],
        vec![i.clone()],
        vec![request("r1", "a", MON, "10:00", "12:00", 1)],
    );
    assert_eq!(solve(&none).assignments.len(), 0);
    i.max_hours_per_week = Some(5.0);
    let two = dataset(
        vec![small("a", 30.0 / 1.3)],
        vec![i],
        vec![
            request("r1", "a", MON, "10:00", "12:00", 1),
            request("r2", "a", TUE, "10:00", "12:00", 1),
        ],
    );
    assert_eq!(solve(&two).assignments.len(), 1);
    let v = plan::check(
        &two,
        &solve(&two).check_scenario(&params()),
        &[
            plan::Held::course("r1", "i1"),
            plan::Held::course("r2", "i1"),
        ],
    );
    assert_eq!(
        v.iter().map(|v| v.constraint).collect::<Vec<_>>(),
        vec![HardConstraint::WeeklyHours]
    );
}

#[test]
fn constraint_total_sessions_limit() {
    let mut i = instructor("i1");
    i.max_sessions_total = Some(5);
    let mut r2 = request("r2", "a", TUE, "10:00", "12:00", 3);
    r2.priority = 2;
    let ds = dataset(
        vec![small("a", 5.0)],
        vec![i],
        vec![
            request("r1", "a", MON, "10:00", "12:00", 4),
            r2,
            request("r3", "a", "2027-01-13", "10:00", "12:00", 1),
        ],
    );
    // 4 + 1 fit in 5 (weights 12 + 3 = 15); 3 + 1 would give 6 + 3 = 9.
    assert_eq!(rota(&solve(&ds)), vec!["r1:i1", "r3:i1"]);
    let v = plan::check(
        &ds,
        &solve(&ds).check_scenario(&params()),
        &[
            plan::Held::course("r1", "i1"),
            plan::Held::course("r2", "i1"),
        ],
    );
    assert_eq!(
        v.iter().map(|v| v.constraint).collect::<Vec<_>>(),
        vec![HardConstraint::TotalSessions]
    );
}

#[test]
fn checker_reports_ineligible_assignment_with_the_rule_name() {
    let mut i = instructor("i1");
    i.languages = vec!["en".into()];
    let ds = dataset(
        vec![small("a", 5.0)],
        vec![i],
        vec![request("r1", "a", MON, "10:00", "12:00", 1)],
    );
    let v = plan::check(
        &ds,
        &solve(&ds).check_scenario(&params()),
        &[plan::Held::course("r1", "i1")],
    );
    assert_eq!(v.len(), 1);
    assert_eq!(
        (v[0].constraint, v[0].rule),
        (HardConstraint::Eligibility, Some(Rule::Language))
    );
    assert!(
        v[0].render(klynge::i18n::Lang::En)
            .contains("Does not speak the language")
    );
    assert!(
        v[0].render(klynge::i18n::Lang::Nb)
            .contains("Snakker ikke språket")
    );
}

// ---------- travel as people travel (docs/model.md §3) ----------

/// `ds` with every small association exactly 30 km and 30 minutes from the hub (travel
/// rows), wherever its requests are held.
fn thirty_minutes(mut ds: klynge::model::Dataset) -> klynge::model::Dataset {
    let smalls: Vec<String> = ds
        .associations
        .iter()
        .filter(|a| a.kind == klynge::model::AssociationKind::Small)
        .map(|a| a.id.clone())
        .collect();
    for to in smalls {
        ds.travel.push(klynge::model::TravelRow {
            from: "hub".into(),
            to,
            km: 30.0,
            minutes: Some(30),
            origin: Default::default(),
        });
    }
    ds
}

/// Two requests of association a back to back on one Monday, 10–12 and 12–14, and one
/// instructor 30 minutes away.
fn back_to_back() -> klynge::model::Dataset {
    thirty_minutes(dataset(
        vec![small("a", 20.0)],
        vec![instructor("i1")],
        vec![
            request("r1", "a", MON, "10:00", "12:00", 1),
            request("r2", "a", MON, "12:00", "14:00", 1),
        ],
    ))
}

fn pairs(list: &[(&str, &str)]) -> Vec<plan::Held> {
    list.iter()
        .map(|(r, i)| plan::Held::course(*r, *i))
        .collect()
}

#[test]
fn travel_back_to_back_sessions_at_one_venue_do_not_clash() {
    // Widened by 30 minutes the trips overlap (…12:30 vs 11:30…), but the instructor stays
    // at a's venue: both are covered, by the optimiser and by greedy.
    let ds = back_to_back();
    assert_eq!(rota(&solve(&ds)), vec!["r1:i1", "r2:i1"]);
    let g = solve_with(&ds, &params(), SolverKind::Greedy);
    assert_eq!(rota(&g), vec!["r1:i1", "r2:i1"]);
    // One round trip: 2 × 30 km.
    assert!(
        (g.figures.total_km - 60.0).abs() < 1e-9,
        "{}",
        g.figures.total_km
    );
}

#[test]
fn travel_back_to_back_sessions_at_two_venues_still_clash() {
    // b is another association at the very same point: another venue.
    let ds = thirty_minutes(dataset(
        vec![small("a", 20.0), small("b", 20.0)],
        vec![instructor("i1")],
        vec![
            request("r1", "a", MON, "10:00", "12:00", 1),
            request("r2", "b", MON, "12:00", "14:00", 1),
        ],
    ));
    assert_eq!(solve(&ds).assignments.len(), 1);
    assert_eq!(
        solve_with(&ds, &params(), SolverKind::Greedy)
            .assignments
            .len(),
        1
    );
    // r2 of a itself, but held at its own venue 5 km further north (the travel row of a
    // still says 30 minutes): another venue too.
    let mut ds = back_to_back();
    ds.requests[1].venue_lat = Some(HUB_LAT + 25.0 / 111.5);
    ds.requests[1].venue_lon = Some(HUB_LON);
    assert_eq!(solve(&ds).assignments.len(), 1);
    let v = plan::check(
        &ds,
        &solve(&ds).check_scenario(&params()),
        &pairs(&[("r1", "i1"), ("r2", "i1")]),
    );
    assert_eq!(
        v.iter().map(|v| v.constraint).collect::<Vec<_>>(),
        vec![HardConstraint::Overlap]
    );
}

#[test]
fn constraint_overlap_cliques_split_where_the_instructor_stays() {
    // r1 10–12 and r2 12–14 at a, r3 11–13 at b: the widened trips of all three overlap at
    // 11:30, but r1 and r2 do not conflict. Rows: {r1, r3} and {r2, r3}.
    let ds = thirty_minutes(dataset(
        vec![small("a", 20.0), small("b", 20.0)],
        vec![instructor("i1")],
        vec![
            request("r1", "a", MON, "10:00", "12:00", 1),
            request("r2", "a", MON, "12:00", "14:00", 1),
            request("r3", "b", MON, "11:00", "13:00", 1),
        ],
    ));
    let inst = plan::Instance::new(&ds, params());
    let elig = plan::Eligibility::build(&inst);
    let named: Vec<Vec<&str>> = plan::conflicts::cliques(&inst, &elig, 0)
        .iter()
        .map(|c| {
            c.iter()
                .map(|&p| ds.requests[elig.pairs[p].r].id.as_str())
                .collect()
        })
        .collect();
    assert_eq!(named, vec![vec!["r1", "r3"], vec!["r2", "r3"]]);
    // Weights 1 + 3 < 5: r3 alone; 3 + 3 > 3: r1 and r2.
    let mut r3_first = ds.clone();
    r3_first.requests[0].priority = 1;
    r3_first.requests[2].priority = 5;
    assert_eq!(rota(&solve(&r3_first)), vec!["r3:i1"]);
    assert_eq!(rota(&solve(&ds)), vec!["r1:i1", "r2:i1"]);
}

#[test]
fn checker_accepts_back_to_back_at_one_venue_and_rejects_an_overlap_there() {
    let mut ds = back_to_back();
    let scenario = solve(&ds).check_scenario(&params());
    assert_eq!(
        plan::check(&ds, &scenario, &pairs(&[("r1", "i1"), ("r2", "i1")])),
        vec![]
    );
    // 11:59–14:00 overlaps 10:00–12:00 by a minute at the same venue: a clash.
    if let Some(series) = &mut ds.requests[1].series {
        series.start = hm("11:59");
    }
    let v = plan::check(&ds, &scenario, &pairs(&[("r1", "i1"), ("r2", "i1")]));
    assert_eq!(
        v.iter().map(|v| v.constraint).collect::<Vec<_>>(),
        vec![HardConstraint::Overlap]
    );
    assert_eq!(solve(&ds).assignments.len(), 1);
}

#[test]
fn travel_km_count_one_round_trip_per_instructor_venue_and_day() {
    // At a: r1 10–12 and r2 12–14 on three Mondays, r3 10–12 on one Tuesday; at b (another
    // venue at the same point) r4 16–18 on the first Monday. Round trips: three Mondays and
    // a Tuesday to a, one Monday to b: 5 × 2 × 30 = 300 km (one per session would be 420
    // + 60).
    let ds = thirty_minutes(dataset(
        vec![small("a", 20.0), small("b", 20.0)],
        vec![instructor("i1")],
        vec![
            request("r1", "a", MON, "10:00", "12:00", 3),
            request("r2", "a", MON, "12:00", "14:00", 3),
            request("r3", "a", TUE, "10:00", "12:00", 1),
            request("r4", "b", MON, "16:00", "18:00", 1),
        ],
    ));
    let o = solve(&ds);
    assert_eq!(rota(&o), vec!["r1:i1", "r2:i1", "r3:i1", "r4:i1"]);
    assert!(
        (o.figures.total_km - 300.0).abs() < 1e-9,
        "{}",
        o.figures.total_km
    );
    let s3 = o
        .stages
        .iter()
        .find(|s| s.stage == Stage::Travel)
        .expect("stage 3");
    assert!((s3.objective - 300.0).abs() < 1e-6, "{}", s3.objective);
    let g = solve_with(&ds, &params(), SolverKind::Greedy);
    assert!(
        (g.figures.total_km - 300.0).abs() < 1e-9,
        "{}",
        g.figures.total_km
    );
}

#[test]
fn stage_3_keeps_back_to_back_courses_with_one_instructor() {
    // Two equal instructors: splitting r1 and r2 costs two round trips (120 km), one
    // instructor taking both costs one (60 km). Stage 3 keeps them together although
    // stage 4 would rather split the load.
    let mut ds = back_to_back();
    ds.instructors.push(instructor("i2"));
    let o = solve(&ds);
    let who: Vec<&str> = o
        .assignments
        .iter()
        .map(|a| a.instructor.as_str())
        .collect();
    assert_eq!(who.len(), 2);
    assert_eq!(who[0], who[1], "{:?}", rota(&o));
    assert!(
        (o.figures.total_km - 60.0).abs() < 1e-9,
        "{}",
        o.figures.total_km
    );
}

#[test]
fn weekly_hours_count_one_round_trip_per_venue_and_day() {
    // 2 h + 2 h teaching and 30 minutes each way. Back to back on one Monday: 4 h and one
    // round trip, 5 h. On a Monday and a Tuesday: 4 h and two round trips, 6 h.
    let mut same_day = back_to_back();
    same_day.instructors[0].max_hours_per_week = Some(5.0);
    assert_eq!(rota(&solve(&same_day)), vec!["r1:i1", "r2:i1"]);
    let g = solve_with(&same_day, &params(), SolverKind::Greedy);
    assert_eq!(rota(&g), vec!["r1:i1", "r2:i1"]);
    let scenario = solve(&same_day).check_scenario(&params());
    assert_eq!(
        plan::check(&same_day, &scenario, &pairs(&[("r1", "i1"), ("r2", "i1")])),
        vec![]
    );
    same_day.instructors[0].max_hours_per_week = Some(4.9);
    assert_eq!(solve(&same_day).assignments.len(), 1);

    let mut two_days = back_to_back();
    two_days.instructors[0].max_hours_per_week = Some(5.5);
    if let Some(series) = &mut two_days.requests[1].series {
        series.first_date = date(TUE);
    }
    assert_eq!(solve(&two_days).assignments.len(), 1);
    let v = plan::check(&two_days, &scenario, &pairs(&[("r1", "i1"), ("r2", "i1")]));
    assert_eq!(
        v.iter().map(|v| v.constraint).collect::<Vec<_>>(),
        vec![HardConstraint::WeeklyHours]
    );
    assert_eq!(v[0].detail, "2027-W02: 6.00 h > 5.5 h");
}

// ---------- objective stages ----------

#[test]
fn stage_1_maximises_weighted_coverage_where_greedy_does_not() {
    // r1 (p5, 2 sessions) can go to near or far; r2 (p4, 2 sessions, same time) only to
    // near. Greedy gives r1 to the nearest and loses r2 (10); the optimum is 10 + 8 = 18.
    let mut far = instructor("far");
    far.lat = Some(HUB_LAT - 0.2);
    far.lon = Some(HUB_LON);
    let mut near = instructor("near");
    near.topics = vec!["epost".into(), "bankid".into()];
    let mut r1 = request("r1", "a", MON, "10:00", "12:00", 2);
    r1.priority = 5;
    let mut r2 = request("r2", "a", MON, "10:00", "12:00", 2);
    r2.priority = 4;
    r2.topic = "bankid".into();
    let ds = dataset(vec![small("a", 5.0)], vec![far, near], vec![r1, r2]);
    let o = solve(&ds);
    assert_eq!(rota(&o), vec!["r1:far", "r2:near"]);
    assert_eq!(o.figures.weighted_covered, 18.0);
    let s1 = &o.stages[0];
    assert_eq!(
        (s1.stage, s1.status),
        (Stage::Coverage, StageStatus::Optimal)
    );
    assert_eq!(s1.objective, 18.0);
    let g = solve_with(&ds, &params(), SolverKind::Greedy);
    assert_eq!(g.figures.weighted_covered, 10.0);
}

#[test]
fn stage_3_minimises_round_trip_km_at_full_coverage() {
    let mut far = instructor("far");
    far.lat = Some(HUB_LAT - 0.3);
    far.lon = Some(HUB_LON);
    let ds = dataset(
        vec![small("a", 10.0)],
        vec![far, instructor("near")],
        vec![request("r1", "a", MON, "10:00", "12:00", 3)],
    );
    let o = solve(&ds);
    assert_eq!(rota(&o), vec!["r1:near"]);
    let km = o.assignments[0].km;
    assert!((o.figures.total_km - 2.0 * km * 3.0).abs() < 1e-6);
    let s3 = o
        .stages
        .iter()
        .find(|s| s.stage == Stage::Travel)
        .expect("stage 3");
    assert!((s3.objective - o.figures.total_km).abs() < 1e-3);
    assert_eq!(s3.status, StageStatus::Optimal);
}

#[test]
fn stage_3_never_trades_coverage_for_travel() {
    // Covering r1 needs the far instructor: it must still be covered.
    let mut far = instructor("far");
    far.lat = Some(HUB_LAT - 0.5);
    far.lon = Some(HUB_LON);
    let ds = dataset(
        vec![small("a", 10.0)],
        vec![far],
        vec![request("r1", "a", MON, "10:00", "12:00", 2)],
    );
    assert_eq!(rota(&solve(&ds)), vec!["r1:far"]);
}

#[test]
fn stage_4_balances_load_between_equal_instructors() {
    // Both live at the hub: travel is equal whoever goes; 4 + 4 sessions are split.
    let ds = dataset(
        vec![small("a", 10.0)],
        vec![instructor("i1"), instructor("i2")],
        vec![
            request("r1", "a", MON, "10:00", "12:00", 4),
            request("r2", "a", TUE, "10:00", "12:00", 4),
        ],
    );
    let o = solve(&ds);
    assert_eq!(o.assignments.len(), 2);
    assert_ne!(o.assignments[0].instructor, o.assignments[1].instructor);
    assert_eq!(o.figures.max_load, 4);
    let s4 = o
        .stages
        .iter()
        .find(|s| s.stage == Stage::Balance)
        .expect("stage 4");
    assert_eq!(s4.objective, 4.0);
}

#[test]
fn components_are_solved_separately_and_merged() {
    // Two clusters far apart: two components.
    let mut north = hub("north");
    north.lat += 3.0;
    let mut b = small("b", 5.0);
    b.lat += 3.0;
    b.cluster = Some("north".into());
    let mut i2 = instructor("i2");
    i2.association = "north".into();
    let ds = dataset(
        vec![north, small("a", 5.0), b],
        vec![instructor("i1"), i2],
        vec![
            request("r1", "a", MON, "10:00", "12:00", 2),
            request("r2", "b", MON, "10:00", "12:00", 2),
        ],
    );
    let o = solve(&ds);
    assert_eq!(o.components.len(), 2);
    assert_eq!(rota(&o), vec!["r1:i1", "r2:i2"]);
}

#[test]
fn stage_fairness_lifts_the_worst_served_association_before_travel() {
    // One instructor can give 2 sessions; A (near) asks for two, B (far) for one. Coverage
    // is 6 whichever two are covered; travel alone prefers A's two (B gets 0 %); fairness
    // first makes the smallest share 50 %: B's request and one of A's.
    let mut i = instructor("i1");
    i.max_sessions_total = Some(2);
    let ds = dataset(
        vec![small("a", 5.0), small("b", 30.0)],
        vec![i],
        vec![
            request("a1", "a", MON, "10:00", "12:00", 1),
            request("a2", "a", TUE, "10:00", "12:00", 1),
            request("b1", "b", "2027-01-13", "10:00", "12:00", 1),
        ],
    );
    assert_eq!(rota(&solve(&ds)), vec!["a1:i1", "a2:i1"]);
    let p = klynge::plan::Params {
        fairness: plan::Fairness::After,
        ..params()
    };
    let o = solve_with(&ds, &p, SolverKind::Milp);
    let covered = rota(&o);
    assert!(covered.contains(&"b1:i1".to_string()), "{covered:?}");
    assert_eq!(covered.len(), 2);
    assert_eq!(
        o.figures.weighted_covered, 6.0,
        "fairness never costs coverage"
    );
    let f = o
        .stages
        .iter()
        .find(|s| s.stage == Stage::Fairness)
        .expect("fairness stage");
    assert!((f.objective - 0.5).abs() < 1e-6, "{f:?}");
}

#[test]
fn stage_fairness_first_lifts_the_smallest_share_at_a_price_in_coverage() {
    // One instructor, two sessions at most. A asks for two sessions of priority 5, B for
    // one of priority 1. Coverage first (and fairness after it) gives A both: 10, B 0 %.
    // Fairness first: the smallest share is at most 50 % (B's one and one of A's), and
    // coverage is then 6 — the price of fairness is 4.
    let mut i = instructor("i1");
    i.max_sessions_total = Some(2);
    let mut a1 = request("a1", "a", MON, "10:00", "12:00", 1);
    a1.priority = 5;
    let mut a2 = request("a2", "a", TUE, "10:00", "12:00", 1);
    a2.priority = 5;
    let mut b1 = request("b1", "b", "2027-01-13", "10:00", "12:00", 1);
    b1.priority = 1;
    let ds = dataset(
        vec![small("a", 5.0), small("b", 30.0)],
        vec![i],
        vec![a1, a2, b1],
    );
    let with = |fairness| {
        solve_with(
            &ds,
            &klynge::plan::Params {
                fairness,
                ..params()
            },
            SolverKind::Milp,
        )
    };
    let after = with(plan::Fairness::After);
    assert_eq!(rota(&after), vec!["a1:i1", "a2:i1"]);
    assert_eq!(after.figures.weighted_covered, 10.0);
    let first = with(plan::Fairness::First);
    let covered = rota(&first);
    assert!(covered.contains(&"b1:i1".to_string()), "{covered:?}");
    assert_eq!(covered.len(), 2);
    assert_eq!(first.figures.weighted_covered, 6.0, "the price: 4");
    let labels: Vec<&str> = first.stages.iter().map(|s| s.stage.label()).collect();
    assert_eq!(&labels[..2], ["0", "1"], "fairness before coverage");
    let f = &first.stages[0];
    assert!((f.objective - 0.5).abs() < 1e-6, "{f:?}");
    assert_eq!(f.status, StageStatus::Optimal);
}

/// Found by tests/properties.rs: association c (another hub's cluster, reached by lending
/// within a cap of 1 session) can get 1 of its 4 sessions, a all 3 of its own, so the
/// smallest share can be 0.25 whichever stage comes first. Stage 0 once reported 0 as
/// optimal: HiGHS, given the greedy rota (f = 0) as a warm start, proved a bound of 0.
#[test]
fn fairness_first_is_never_below_fairness_after() {
    let topics = |t: [&str; 2]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let ins = |k: usize, t: [&str; 2], north_km: f64, per_week: u32, late: bool| {
        let mut i = instructor(&format!("i{k}"));
        i.topics = topics(t);
        i.lat = Some(HUB_LAT + north_km / 111.5);
        i.lon = Some(HUB_LON);
        i.max_km = [40.0, 70.0, 120.0][k % 3];
        i.max_sessions_per_week = per_week;
        i.availability = if late {
            weekdays("09:00", "21:00")
        } else {
            weekdays("08:00", "16:00")
        };
        i
    };
    let instructors = vec![
        ins(0, ["nettbank", "bankid"], 22.0, 1, false),
        ins(1, ["epost", "nettbank"], 0.0, 1, true),
        ins(2, ["epost", "nettbank"], 0.0, 1, true),
        ins(3, ["nettbank", "bankid"], 0.0, 2, false),
        ins(4, ["epost", "nettbank"], 0.0, 1, false),
        ins(5, ["helsenorge", "epost"], 0.0, 1, true),
    ];
    let mut r0 = request("r0", "a", MON, "17:00", "19:00", 1);
    r0.instructors_needed = 2;
    let r1 = request("r1", "c", MON, "09:00", "11:00", 3);
    let r2 = request("r2", "a", MON, "10:00", "12:00", 1);
    let r3 = request("r3", "c", MON, "09:00", "11:00", 1);
    let mut r4 = request("r4", "a", MON, "09:00", "11:00", 1);
    r4.topic = "nettbank".into();
    let mut north = hub("north");
    north.lat += 1.0;
    let mut c = small("c", 45.0);
    c.cluster = Some("north".into());
    let mut ds = dataset(
        vec![north, small("a", 8.0), small("b", 25.0), c],
        instructors,
        vec![r0, r1, r2, r3, r4],
    );
    ds.associations[0].lend_cap_sessions = Some(1);
    let share = |fairness, stage| {
        let p = klynge::plan::Params {
            cluster_mode: Some(plan::ClusterMode::Open),
            fairness,
            ..params()
        };
        let o = solve_with(&ds, &p, SolverKind::Milp);
        let st = o.stages.iter().find(|s| s.stage == stage).expect("stage");
        assert_eq!(st.status, StageStatus::Optimal);
        st.objective
    };
    let after = share(plan::Fairness::After, plan::Stage::Fairness);
    let first = share(plan::Fairness::First, plan::Stage::FairnessFirst);
    assert!((after - 0.25).abs() < 1e-6, "{after}");
    assert!((first - 0.25).abs() < 1e-6, "{first}");
}

// ---------- explanations name the binding limit ----------

/// The one eligible instructor's limits for uncovered `r2`.
fn busy_limits(o: &plan::Outcome, request: &str) -> Vec<(String, Vec<Limit>)> {
    match uncovered_reasons(o, request).as_slice() {
        [Reason::Busy { instructors }] => instructors
            .iter()
            .map(|b| (b.instructor.clone(), b.limits.clone()))
            .collect(),
        other => panic!("{request}: {other:?}"),
    }
}

#[test]
fn explanation_names_the_clashing_course_with_its_date_and_times() {
    let mut r1 = request("r1", "a", MON, "10:00", "12:00", 1);
    r1.priority = 5;
    let mut r2 = request("r2", "a", MON, "11:00", "13:00", 1);
    r2.priority = 1;
    let ds = dataset(vec![small("a", 10.0)], vec![instructor("i1")], vec![r1, r2]);
    let o = solve(&ds);
    assert_eq!(
        busy_limits(&o, "r2"),
        [(
            "i1".to_owned(),
            vec![Limit::Clash {
                request: "r1".into(),
                date: date(MON),
                start: hm("10:00"),
                end: hm("12:00"),
            }]
        )]
    );
    let text = o.uncovered[0].reasons[0].localized(klynge::i18n::Lang::Nb);
    assert!(
        text.contains("i1: kolliderer med r1 man 11.01. 10:00–12:00"),
        "{text}"
    );
}

#[test]
fn explanation_names_the_week_over_the_session_limit() {
    let mut i = instructor("i1");
    i.max_sessions_per_week = 1;
    let mut r1 = request("r1", "a", MON, "10:00", "12:00", 1);
    r1.priority = 5;
    let r2 = request("r2", "a", TUE, "10:00", "12:00", 1);
    let ds = dataset(vec![small("a", 10.0)], vec![i], vec![r1, r2]);
    let o = solve(&ds);
    // 11 January 2027 is in ISO week 2.
    assert_eq!(
        busy_limits(&o, "r2"),
        [(
            "i1".to_owned(),
            vec![Limit::Week {
                week: 202702,
                sessions: 2,
                max: 1
            }]
        )]
    );
}

#[test]
fn explanation_names_the_week_over_the_hours_limit() {
    let mut i = instructor("i1");
    i.max_hours_per_week = Some(3.0);
    let mut r1 = request("r1", "a", MON, "10:00", "12:00", 1);
    r1.priority = 5;
    let r2 = request("r2", "a", TUE, "10:00", "12:00", 1);
    let ds = dataset(vec![small("a", 10.0)], vec![i], vec![r1, r2]);
    let o = solve(&ds);
    let limits = busy_limits(&o, "r2");
    match limits[0].1.as_slice() {
        // Two courses of 2 h each, plus travel both ways to each.
        [Limit::Hours { week, hours, max }] => {
            assert_eq!((*week, *max), (202702, 3.0));
            assert!(*hours > 4.0 && *hours < 6.0, "{hours}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn explanation_back_to_back_at_one_venue_is_no_clash_and_one_round_trip() {
    // r2 follows r1 at the same venue: not a clash. What binds is the week: 2 sessions
    // (limit 1), and 4 h teaching + one round trip of 1 h = 5 h (limit 4.5).
    let mut ds = back_to_back();
    ds.instructors[0].max_sessions_per_week = 1;
    ds.instructors[0].max_hours_per_week = Some(4.5);
    ds.requests[0].priority = 5;
    let o = solve(&ds);
    assert_eq!(rota(&o), vec!["r1:i1"]);
    assert_eq!(
        busy_limits(&o, "r2"),
        [(
            "i1".to_owned(),
            vec![
                Limit::Week {
                    week: 202702,
                    sessions: 2,
                    max: 1
                },
                Limit::Hours {
                    week: 202702,
                    hours: 5.0,
                    max: 4.5
                }
            ]
        )]
    );
}

#[test]
fn explanation_names_the_terms_total_over_its_limit() {
    let mut i = instructor("i1");
    i.max_sessions_total = Some(2);
    let mut r1 = request("r1", "a", MON, "10:00", "12:00", 2);
    r1.priority = 5;
    let r2 = request("r2", "a", TUE, "10:00", "12:00", 1);
    let ds = dataset(vec![small("a", 10.0)], vec![i], vec![r1, r2]);
    let o = solve(&ds);
    assert_eq!(
        busy_limits(&o, "r2"),
        [(
            "i1".to_owned(),
            vec![Limit::Total {
                sessions: 3,
                max: 2
            }]
        )]
    );
}

#[test]
fn explanation_says_an_instructor_is_free_when_the_request_needs_two_at_once() {
    let mut r0 = request("r0", "a", MON, "10:00", "12:00", 1);
    r0.priority = 5;
    let mut r1 = request("r1", "a", MON, "10:00", "12:00", 1);
    r1.instructors_needed = 2;
    r1.priority = 1;
    let ds = dataset(
        vec![small("a", 10.0)],
        vec![instructor("i1"), instructor("i2")],
        vec![r0, r1],
    );
    let o = solve(&ds);
    let mut limits = busy_limits(&o, "r1");
    limits.sort_by_key(|(_, l)| l.len());
    assert!(limits[0].1.is_empty(), "one is free: {limits:?}");
    assert!(
        matches!(limits[1].1.as_slice(), [Limit::Clash { request, .. }] if request == "r0"),
        "the other teaches r0 then: {limits:?}"
    );
}

// ---------- lending between hubs (open mode) ----------

/// The hub's instructor i1 and small association `b` of another hub's cluster ("north"):
/// in open mode i1 may help b — lending across clusters. b asks for b1 (2 sessions,
/// priority 5) and b2 (1 session, priority 1).
fn lending(lends: bool, cap: Option<u32>) -> (klynge::model::Dataset, plan::Params) {
    let mut hub = hub("hub");
    hub.lends = lends;
    hub.lend_cap_sessions = cap;
    let mut north = common::hub("north");
    north.lat += 0.5;
    let mut b = small("b", 5.0);
    b.cluster = Some("north".into());
    let mut b1 = request("b1", "b", MON, "10:00", "12:00", 2);
    b1.priority = 5;
    let b2 = request("b2", "b", TUE, "14:00", "16:00", 1);
    let mut ds = dataset(vec![north, b], vec![instructor("i1")], vec![b1, b2]);
    ds.associations[0] = hub;
    assert!(klynge::model::validate(&ds).is_empty());
    let mut p = params();
    p.cluster_mode = Some(ClusterMode::Open);
    (ds, p)
}

#[test]
fn constraint_lending_cap_limits_the_sessions_a_hub_lends_outside_its_cluster() {
    let (ds, p) = lending(true, None);
    assert_eq!(
        rota(&solve_with(&ds, &p, SolverKind::Milp)),
        vec!["b1:i1", "b2:i1"]
    );
    // A cap of 2: b1's two sessions fit, b2's third does not.
    let (ds, p) = lending(true, Some(2));
    for solver in [SolverKind::Milp, SolverKind::Greedy] {
        let o = solve_with(&ds, &p, solver);
        assert_eq!(rota(&o), vec!["b1:i1"], "{solver:?}");
    }
    let o = solve_with(&ds, &p, SolverKind::Milp);
    match uncovered_reasons(&o, "b2").as_slice() {
        [Reason::Busy { instructors }] => assert_eq!(
            instructors[0].limits,
            vec![Limit::Lending {
                hub: "hub".into(),
                sessions: 3,
                max: 2
            }]
        ),
        other => panic!("{other:?}"),
    }
    // The cap binds in open mode only: in fixed mode i1 may not go to b at all.
    let fixed = plan::Params {
        cluster_mode: Some(ClusterMode::Fixed),
        ..p
    };
    assert!(
        solve_with(&ds, &fixed, SolverKind::Milp)
            .assignments
            .is_empty()
    );
}

#[test]
fn rule_a_hub_that_does_not_lend_keeps_its_instructors_in_its_cluster() {
    let (ds, p) = lending(false, None);
    let o = solve_with(&ds, &p, SolverKind::Milp);
    assert!(o.assignments.is_empty());
    assert_eq!(uncovered_reasons(&o, "b1"), vec![Reason::NoLender]);
}

#[test]
fn checker_reports_a_lending_cap_exceeded_and_a_hub_that_does_not_lend() {
    let (ds, p) = lending(true, Some(2));
    let both = [
        plan::Held::course("b1", "i1"),
        plan::Held::course("b2", "i1"),
    ];
    let scenario = solve_with(&ds, &p, SolverKind::Milp).check_scenario(&p);
    let v = plan::check(&ds, &scenario, &both);
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0].constraint, HardConstraint::LendingCap);
    assert!(v[0].render(klynge::i18n::Lang::Nb).contains("hub: 3 > 2"));
    let (ds, p) = lending(false, None);
    let scenario = solve_with(&ds, &p, SolverKind::Milp).check_scenario(&p);
    let v = plan::check(&ds, &scenario, &both[..1]);
    assert_eq!(
        (v[0].constraint, v[0].rule),
        (HardConstraint::Eligibility, Some(Rule::Cluster))
    );
}
