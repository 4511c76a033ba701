//! Clusters proposed by the optimiser (`cluster_mode = proposed`, docs/model.md §7): small
//! cases solved by hand, the pilot against its hand-made layouts, and exhaustive search
//! over every layout of small random instances.

mod common;

use std::path::Path;

use common::*;
use klynge::app::plan::{Planned, plan_checked};
use klynge::model::Dataset;
use klynge::plan::clusters::ClusterProposal;
use klynge::plan::{self, ClusterMode, HardConstraint, Params, SolverKind};
use proptest::prelude::*;

/// Hub `hub` at 0 km, hub `b` 100 km north; smalls at 10, 40 and 90 km north, each asking
/// for 4 sessions of `epost`; `far` 600 km north asks for nothing. Road km = 1.3 × geodesic.
fn two_hubs(total_a: u32, total_b: u32) -> Dataset {
    let mut b = hub("b");
    b.lat += 100.0 / 111.5;
    let mut ia = instructor("ia");
    ia.max_sessions_total = Some(total_a);
    let mut ib = instructor("ib");
    ib.association = "b".into();
    ib.max_sessions_total = Some(total_b);
    dataset(
        vec![
            b,
            small("s1", 10.0),
            small("s2", 40.0),
            small("s3", 90.0),
            small("far", 600.0),
        ],
        vec![ia, ib],
        vec![
            request("r1", "s1", "2027-01-11", "10:00", "12:00", 4),
            request("r2", "s2", "2027-01-12", "10:00", "12:00", 4),
            request("r3", "s3", "2027-01-13", "10:00", "12:00", 4),
        ],
    )
}

fn with_mode(mode: ClusterMode) -> Params {
    Params {
        cluster_mode: Some(mode),
        ..params()
    }
}

/// Plans in proposed mode through the one pipeline (propose, plan as fixed, check).
fn proposed(ds: &Dataset, solver: SolverKind) -> Planned {
    plan_checked(ds, &with_mode(ClusterMode::Proposed), solver, &|_| {}).expect("plans")
}

fn hub_of(p: &ClusterProposal, small: &str) -> String {
    p.memberships
        .iter()
        .find(|m| m.small == small)
        .map(|m| m.hub.clone())
        .unwrap_or_default()
}

#[test]
fn everything_fits_so_each_association_joins_the_hub_that_travels_least() {
    let planned = proposed(&two_hubs(100, 100), SolverKind::Milp);
    let p = planned.proposal.as_ref().expect("a proposal");
    assert_eq!(
        (hub_of(p, "s1"), hub_of(p, "s2"), hub_of(p, "s3")),
        ("hub".into(), "hub".into(), "b".into())
    );
    assert_eq!(rota(&planned.outcome), vec!["r1:ia", "r2:ia", "r3:ib"]);
    // `far` has no request and is beyond every instructor's 500 km: no hub reaches it.
    assert_eq!(p.unreachable, vec!["far".to_string()]);
    // Round trips 2 · 4 sessions · 1.3 · (10 + 40 + 10) km.
    assert!((planned.outcome.figures.total_km - 8.0 * 1.3 * 60.0).abs() < 1.0);
    // The plan that is stored is planned in the proposed layout, as `fixed`.
    assert_eq!(planned.outcome.cluster_mode, ClusterMode::Fixed);
    let s2 = planned.ds.associations.iter().find(|a| a.id == "s2");
    assert_eq!(s2.and_then(|a| a.cluster.as_deref()), Some("hub"));
}

#[test]
fn a_limit_moves_the_association_that_costs_least_to_move() {
    // ia can give 4 sessions: s1 stays (13 km), s2 moves to b (78 km), since keeping s2
    // and moving s1 would travel 2·4·(52 + 117 + 13) km instead of 2·4·(13 + 78 + 13).
    let planned = proposed(&two_hubs(4, 100), SolverKind::Milp);
    let p = planned.proposal.as_ref().expect("a proposal");
    assert_eq!(
        (hub_of(p, "s1"), hub_of(p, "s2"), hub_of(p, "s3")),
        ("hub".into(), "b".into(), "b".into())
    );
    assert_eq!(rota(&planned.outcome), vec!["r1:ia", "r2:ib", "r3:ib"]);
}

#[test]
fn an_association_left_uncovered_joins_the_nearest_hub_in_reach() {
    // 4 sessions each: r2 (s2) is left over and joins `hub` (52 km, nearer than b's 78).
    let planned = proposed(&two_hubs(4, 4), SolverKind::Milp);
    let p = planned.proposal.as_ref().expect("a proposal");
    assert_eq!(planned.outcome.figures.requests_covered, 2);
    assert_eq!(hub_of(p, "s2"), "hub");
    assert!(planned.outcome.uncovered.iter().any(|u| u.request == "r2"));
}

/// s near hub `a`, whose instructor does not teach `bankid`; hub `b` (60 km away) has one
/// who does. A proposal by distance alone put s with `a` and covered nothing.
#[test]
fn topics_not_distance_decide_the_hub() {
    let mut b = hub("b");
    b.lat += 60.0 / 111.5;
    let mut ib = instructor("ib");
    ib.association = "b".into();
    ib.topics = vec!["bankid".into()];
    let mut r = request("r1", "s", "2027-01-11", "10:00", "12:00", 3);
    r.topic = "bankid".into();
    let ds = dataset(
        vec![b, small("s", 5.0)],
        vec![instructor("ia"), ib],
        vec![r],
    );
    let planned = proposed(&ds, SolverKind::Milp);
    assert_eq!(rota(&planned.outcome), vec!["r1:ib"]);
    assert_eq!(
        hub_of(planned.proposal.as_ref().expect("proposal"), "s"),
        "b"
    );
}

/// One association asks for `epost` (only hub a's instructor teaches it, 3 sessions,
/// priority 3) and `bankid` (only hub b's, 2 sessions, priority 3). Open mode covers both;
/// one hub per association covers the heavier one (weight 9 of 15), in proposed mode and
/// in the best fixed layout alike.
#[test]
fn one_hub_per_association_is_what_costs_against_open_mode() {
    let mut b = hub("b");
    b.lat += 20.0 / 111.5;
    let mut ib = instructor("ib");
    ib.association = "b".into();
    ib.topics = vec!["bankid".into()];
    let mut r2 = request("r2", "s", "2027-01-12", "10:00", "12:00", 2);
    r2.topic = "bankid".into();
    let ds = dataset(
        vec![b, small("s", 10.0)],
        vec![instructor("ia"), ib],
        vec![request("r1", "s", "2027-01-11", "10:00", "12:00", 3), r2],
    );
    let open = solve_with(&ds, &with_mode(ClusterMode::Open), SolverKind::Milp);
    assert_eq!(open.figures.weighted_covered, 15.0);
    let planned = proposed(&ds, SolverKind::Milp);
    assert_eq!(planned.outcome.figures.weighted_covered, 9.0);
    assert_eq!(rota(&planned.outcome), vec!["r1:ia"]);
    // Greedy keeps to one hub per association too: its rota passes the checker.
    let greedy = proposed(&ds, SolverKind::Greedy);
    assert_eq!(greedy.outcome.figures.requests_covered, 1);
}

#[test]
fn the_checker_refuses_two_hubs_for_one_association_while_clusters_are_proposed() {
    let mut ds = two_hubs(100, 100);
    ds.requests[1].association = "s1".into();
    let scenario = plan::CheckScenario {
        max_km: None,
        max_minutes: None,
        travel: Default::default(),
        cluster_mode: ClusterMode::Proposed,
        answers: Default::default(),
    };
    let pairs = |v: &[(&str, &str)]| -> Vec<plan::Held> {
        v.iter().map(|(r, i)| plan::Held::course(*r, *i)).collect()
    };
    let v = plan::check(&ds, &scenario, &pairs(&[("r1", "ia"), ("r2", "ib")]));
    assert_eq!(
        v.iter().map(|v| v.constraint).collect::<Vec<_>>(),
        vec![HardConstraint::OneHub],
        "{v:?}"
    );
    assert!(plan::check(&ds, &scenario, &pairs(&[("r1", "ia"), ("r2", "ia")])).is_empty());
}

/// The pilot with the Orkanger hub of `scenarios/proposed.toml`: the proposal covers at
/// least as much as the hand-made layouts (everyone with Trondheim, as in the data; each
/// association with its nearest hub) and no more than open mode.
#[test]
fn on_the_pilot_the_proposal_beats_the_hand_made_layouts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/trondelag");
    let sc =
        klynge::scenario::Scenario::load(&root.join("scenarios/proposed.toml")).expect("scenario");
    let ds = sc
        .apply(klynge::ingest::load(&root).expect("pilot"))
        .expect("applies");
    let fixed = with_mode(ClusterMode::Fixed);
    let weight = |ds: &Dataset, p: &Params| solve_with(ds, p, SolverKind::Milp).figures;
    let all_trondheim = weight(&ds, &fixed);
    let mut nearest = ds.clone();
    for a in nearest.associations.iter_mut() {
        if ["orkland", "skaun", "rennebu", "oppdal"].contains(&a.id.as_str()) {
            a.cluster = Some("orkdal".into());
        }
    }
    let nearest = weight(&nearest, &fixed);
    let open = weight(&ds, &with_mode(ClusterMode::Open));
    let planned = proposed(&ds, SolverKind::Milp);
    let got = planned.outcome.figures.weighted_covered;
    assert!(
        got >= all_trondheim.weighted_covered && got >= nearest.weighted_covered,
        "proposed {got}, all with Trondheim {}, nearest hub {}",
        all_trondheim.weighted_covered,
        nearest.weighted_covered
    );
    assert!(
        got <= open.weighted_covered,
        "{got} > open {}",
        open.weighted_covered
    );
    // Orkanger's hub is used: the layout is not Trondheim's alone.
    let p = planned.proposal.as_ref().expect("proposal");
    assert!(p.memberships.iter().any(|m| m.hub == "orkdal"), "{p:?}");
}

/// Random instances: hubs `hub` (at 0 km) and `b` (35 km north), each with instructors;
/// smalls at 8, 25 and 45 km north.
/// (hub b?, topic, km north of home, sessions per week, availability kind)
type InstructorSpec = (bool, u8, i8, u8, u8);
/// (association, topic, weekday, count, priority, instructors needed, hour)
type RequestSpec = (u8, u8, u8, u8, u8, u8, u8);

fn random_instance(instructors: &[InstructorSpec], requests: &[RequestSpec]) -> Dataset {
    const TOPICS: [&str; 3] = ["epost", "nettbank", "bankid"];
    let mut b = hub("b");
    b.lat += 35.0 / 111.5;
    let ins = instructors
        .iter()
        .enumerate()
        .map(|(k, &(at_b, topic, offset, per_week, slot))| {
            let mut i = instructor(&format!("i{k}"));
            if at_b {
                i.association = "b".into();
            }
            i.topics = vec![
                TOPICS[topic as usize].into(),
                TOPICS[(topic as usize + 1) % 3].into(),
            ];
            i.lat = Some(HUB_LAT + (f64::from(offset) + if at_b { 35.0 } else { 0.0 }) / 111.5);
            i.lon = Some(HUB_LON);
            i.max_km = [30.0, 60.0, 120.0][k % 3];
            i.max_sessions_per_week = u32::from(per_week);
            i.availability = match slot {
                0 => weekdays("08:00", "16:00"),
                _ => weekdays("06:00", "22:00"),
            };
            i
        })
        .collect();
    let reqs = requests
        .iter()
        .enumerate()
        .map(|(k, &(assoc, topic, day, count, priority, needed, hour))| {
            let first = date("2027-01-11") + chrono::Duration::days(i64::from(day));
            let start = [9u16, 10, 13][hour as usize];
            let mut r = request(
                &format!("r{k}"),
                ["a", "c", "d"][assoc as usize],
                &first.to_string(),
                &format!("{start}:00"),
                &format!("{}:00", start + 2),
                u32::from(count),
            );
            r.topic = TOPICS[topic as usize].into();
            r.priority = priority;
            r.instructors_needed = u32::from(needed);
            r
        })
        .collect();
    dataset(
        vec![b, small("a", 8.0), small("c", 25.0), small("d", 45.0)],
        ins,
        reqs,
    )
}

/// The best (weighted coverage, −km) over every fixed layout: each small association with
/// `hub`, with `b`, or with neither.
fn best_layout(ds: &Dataset) -> (f64, f64) {
    let fixed = with_mode(ClusterMode::Fixed);
    let mut best = (f64::NEG_INFINITY, 0.0);
    for code in 0..27 {
        let mut d = ds.clone();
        let mut c = code;
        for a in d
            .associations
            .iter_mut()
            .filter(|a| a.id != "hub" && a.id != "b")
        {
            a.cluster = [Some("hub".to_string()), Some("b".into()), None][c % 3].clone();
            c /= 3;
        }
        let f = solve_with(&d, &fixed, SolverKind::Milp).figures;
        let better = f.weighted_covered > best.0 + 1e-9
            || (f.weighted_covered > best.0 - 1e-9 && f.total_km < best.1 - 1e-6);
        if better {
            best = (f.weighted_covered, f.total_km);
        }
    }
    best
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// The proposal is the best of all 27 layouts: the most weighted coverage, and among
    /// layouts with that, the least travel; its greedy version is valid and never better.
    #[test]
    fn the_proposal_equals_exhaustive_search_over_layouts(
        ins in prop::collection::vec((any::<bool>(), 0u8..3, -15i8..15, 1u8..3, 0u8..2), 2..=4),
        reqs in prop::collection::vec((0u8..3, 0u8..3, 0u8..3, 1u8..3, 1u8..4, 1u8..3, 0u8..3), 1..=5),
    ) {
        let ds = random_instance(&ins, &reqs);
        let (coverage, km) = best_layout(&ds);
        let planned = proposed(&ds, SolverKind::Milp);
        let f = &planned.outcome.figures;
        prop_assert!((f.weighted_covered - coverage).abs() < 1e-9,
            "proposed {} ≠ best layout {}", f.weighted_covered, coverage);
        prop_assert!((f.total_km - km).abs() < 1e-6 * km.max(1.0),
            "proposed travels {} km, best layout {}", f.total_km, km);
        let greedy = proposed(&ds, SolverKind::Greedy);
        prop_assert!(greedy.outcome.figures.weighted_covered <= coverage + 1e-9);
        // The proposal's own rota (clusters being chosen) passes the checker in that mode.
        let choosing = with_mode(ClusterMode::Proposed);
        let o = plan::plan(&ds, &choosing, SolverKind::Milp, &|_| {});
        prop_assert!(plan::check(&ds, &o.check_scenario(&choosing), &o.pairs()).is_empty());
        prop_assert!((o.figures.weighted_covered - coverage).abs() < 1e-9);
    }
}
