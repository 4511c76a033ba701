//! The road and ferry network (docs/model.md §3, travel step 3) on the Fosen fixture: a
//! pair across Trondheimsfjorden whose travel goes by the Flakk–Rørvik ferry, and what
//! that changes in a plan.

mod common;

use std::path::Path;

use klynge::ingest::load;
use klynge::model::LatLon;
use klynge::plan::{self, Params, SolverKind};
use klynge::travel::{TravelModel, TravelParams};

const TRONDHEIM: LatLon = LatLon {
    lat: 63.4251,
    lon: 10.399,
};
const RISSA: LatLon = LatLon {
    lat: 63.5853,
    lon: 9.9706,
};
const MELHUS: LatLon = LatLon {
    lat: 63.2856,
    lon: 10.2761,
};

fn fosen() -> klynge::model::Dataset {
    load(Path::new("fixtures/fosen")).expect("the Fosen fixture loads")
}

#[test]
fn across_the_fjord_travel_takes_the_ferry_and_its_wait() {
    let ds = fosen();
    let model = TravelModel::for_dataset(TravelParams::default(), &ds);
    let t = model.travel("f1", "trondheim", TRONDHEIM, "indre-fosen", RISSA);
    // By hand: both ends sit on a node (the hub and the association), so no legs.
    // Trondheim–Flakk 17 min + ferry 25 min + mean wait 15 min + Rørvik–Rissa 20 min
    // = 77 min; 13 + 6.5 + 20 = 39.5 km.
    assert_eq!(t.minutes, 77);
    assert!((t.km - 39.5).abs() < 1e-9, "km {}", t.km);
    // The straight line across the fjord: about 27.8 geodesic km × 1.3 = 36.1 km, 37 min.
    let estimate = model.estimate(TRONDHEIM, RISSA);
    assert_eq!(estimate.minutes, 37);
    assert!(t.minutes > estimate.minutes + 30);
}

#[test]
fn a_venue_off_the_network_keeps_the_estimate() {
    // Melhus is about 17 km from Trondheim's node and 18 km from Flakk, more than
    // SNAP_KM (10 km) from every node: the estimate applies.
    let ds = fosen();
    let model = TravelModel::for_dataset(TravelParams::default(), &ds);
    let t = model.travel("f1", "trondheim", TRONDHEIM, "melhus", MELHUS);
    assert_eq!(t, model.estimate(TRONDHEIM, MELHUS));
}

#[test]
fn a_travel_table_row_still_overrides_the_network() {
    let mut ds = fosen();
    ds.travel.push(klynge::model::TravelRow {
        from: "trondheim".into(),
        to: "indre-fosen".into(),
        km: 50.0,
        minutes: Some(70),
        origin: Default::default(),
    });
    let model = TravelModel::for_dataset(TravelParams::default(), &ds);
    let t = model.travel("f1", "trondheim", TRONDHEIM, "indre-fosen", RISSA);
    assert_eq!((t.km, t.minutes), (50.0, 70));
}

#[test]
fn the_ferry_minutes_decide_who_may_go_across() {
    // f2 travels at most 60 minutes: by the estimate (37 min) she could take q1, over the
    // network (77 min) only f1 (90 min) can. q2 in Melhus then goes to f2 (stage 4 evens
    // the load: 6 sessions each rather than 12 and 0).
    let ds = fosen();
    let p = common::params();
    let o = common::solve_with(&ds, &p, SolverKind::Milp);
    assert_eq!(common::rota(&o), vec!["q1:f1", "q2:f2"]);
    let q1 = o
        .assignments
        .iter()
        .find(|a| a.request == "q1")
        .expect("q1 is covered");
    assert_eq!(q1.minutes, 77);

    // The checker re-computes the ferry route: f2 on q1 breaks her minute limit.
    let v = plan::check(
        &ds,
        &o.check_scenario(&p),
        &[
            klynge::plan::Held::course("q1", "f2"),
            klynge::plan::Held::course("q2", "f1"),
        ],
    );
    assert!(
        v.iter()
            .any(|v| v.rule == Some(plan::Rule::Distance) && v.detail == "77 min > 60 min"),
        "{v:?}"
    );
    // Without the network, the estimate lets f2 across.
    let mut flat = ds.clone();
    flat.network.clear();
    let v = plan::check(
        &flat,
        &o.check_scenario(&Params::default()),
        &[klynge::plan::Held::course("q1", "f2")],
    );
    assert!(v.is_empty(), "{v:?}");
}
