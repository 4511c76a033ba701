//! Tiny datasets for tests, built in code: a hub at Trondheim, small associations placed
//! at chosen distances, instructors free on weekdays 08:00–20:00 unless told otherwise.

#![allow(dead_code)]

pub mod browser;
pub mod cli;
pub mod pg;
pub mod service;
pub mod smtp;

use chrono::{NaiveDate, Weekday};
use klynge::model::{
    Association, AssociationKind, Blackout, Dataset, Hm, Instructor, Request, Series, Slot,
};
use klynge::plan::{self, Outcome, Params, SolverKind};

pub const HUB_LAT: f64 = 63.4305;
pub const HUB_LON: f64 = 10.3951;

pub fn hm(s: &str) -> Hm {
    s.parse().expect("test time")
}

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}

pub fn hub(id: &str) -> Association {
    Association {
        id: id.into(),
        name: format!("Hub {id}"),
        kind: AssociationKind::Hub,
        lat: HUB_LAT,
        lon: HUB_LON,
        municipality: "Trondheim".into(),
        opt_in: true,
        cluster: None,
        lends: true,
        lend_cap_sessions: None,
        email: None,
        lang: None,
        origin: Default::default(),
    }
}

/// A small association `km_north` geodesic km due north of the hub, in the hub's cluster.
pub fn small(id: &str, km_north: f64) -> Association {
    Association {
        id: id.into(),
        name: format!("Small {id}"),
        kind: AssociationKind::Small,
        lat: HUB_LAT + km_north / 111.5,
        lon: HUB_LON,
        municipality: "Test".into(),
        opt_in: true,
        cluster: Some("hub".into()),
        lends: true,
        lend_cap_sessions: None,
        email: None,
        lang: None,
        origin: Default::default(),
    }
}

pub fn weekdays(start: &str, end: &str) -> Vec<Slot> {
    [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ]
    .into_iter()
    .map(|weekday| Slot {
        weekday,
        start: hm(start),
        end: hm(end),
        origin: Default::default(),
    })
    .collect()
}

pub fn instructor(id: &str) -> Instructor {
    Instructor {
        id: id.into(),
        name: format!("Instructor {id}"),
        association: "hub".into(),
        lat: None,
        lon: None,
        topics: vec!["epost".into()],
        languages: vec!["nb".into()],
        willing_languages: Vec::new(),
        max_km: 500.0,
        max_minutes: None,
        max_sessions_per_week: 10,
        max_sessions_total: None,
        max_hours_per_week: None,
        availability: weekdays("08:00", "20:00"),
        blackouts: Vec::new(),
        email: None,
        lang: None,
        origin: Default::default(),
    }
}

pub fn blackout(from: &str, to: &str) -> Blackout {
    Blackout {
        from: date(from),
        to: date(to),
        origin: Default::default(),
    }
}

/// A weekly series of `count` sessions from `first` (a date), `start`–`end`.
pub fn request(id: &str, assoc: &str, first: &str, start: &str, end: &str, count: u32) -> Request {
    Request {
        id: id.into(),
        association: assoc.into(),
        topic: "epost".into(),
        language: "nb".into(),
        instructors_needed: 1,
        format: Default::default(),
        slot_minutes: None,
        desks: None,
        priority: 3,
        series: Some(Series {
            first_date: date(first),
            start: hm(start),
            end: hm(end),
            count,
            interval_days: 7,
        }),
        sessions: Vec::new(),
        venue_lat: None,
        venue_lon: None,
        origin: Default::default(),
    }
}

pub fn dataset(
    smalls: Vec<Association>,
    instructors: Vec<Instructor>,
    requests: Vec<Request>,
) -> Dataset {
    let mut associations = vec![hub("hub")];
    associations.extend(smalls);
    let ds = Dataset {
        associations,
        instructors,
        requests,
        travel: Vec::new(),
        offers: Vec::new(),
        places: Vec::new(),
        network: Vec::new(),
    };
    assert_eq!(
        klynge::model::validate(&ds),
        vec![],
        "test dataset must be valid"
    );
    ds
}

pub fn params() -> Params {
    Params {
        time_limit_s: 20.0,
        threads: 1,
        ..Params::default()
    }
}

/// Plans with the MILP and asserts that the independent checker accepts the result.
pub fn solve(ds: &Dataset) -> Outcome {
    solve_with(ds, &params(), SolverKind::Milp)
}

pub fn solve_with(ds: &Dataset, params: &Params, solver: SolverKind) -> Outcome {
    let o = plan::plan(ds, params, solver, &|_| {});
    let violations = plan::check(ds, &o.check_scenario(params), &o.pairs());
    assert!(
        violations.is_empty(),
        "checker rejects the rota: {violations:?}"
    );
    o
}

/// The rota as sorted "request:instructor" strings.
pub fn rota(o: &Outcome) -> Vec<String> {
    let mut v: Vec<String> = o
        .assignments
        .iter()
        .map(|a| format!("{}:{}", a.request, a.instructor))
        .collect();
    v.sort();
    v
}

/// `ds` planned (MILP, checked) and stored in a fresh SQLite database, read back as the
/// stored run; the directory keeps the database alive.
pub async fn stored_run(ds: &Dataset) -> (tempfile::TempDir, klynge::run::Run) {
    let dir = tempfile::tempdir().expect("dir");
    let store = klynge::store::Store::open(&dir.path().join("run.db").display().to_string())
        .await
        .expect("store");
    let planned = klynge::app::plan::plan_checked(ds, &params(), SolverKind::Milp, &|_| {})
        .unwrap_or_else(|e| panic!("{}", e.render(klynge::i18n::Lang::En, true)));
    let id = klynge::app::plan::save(&store, "t", "t", &planned)
        .await
        .expect("save");
    let run = store.run(id).await.expect("run");
    (dir, run)
}

/// A rota as (request, instructor) pairs, for tests about courses (one part each).
pub fn tuples(held: &[plan::Held]) -> Vec<(String, String)> {
    held.iter()
        .map(|h| (h.request.clone(), h.instructor.clone()))
        .collect()
}

/// (request, instructor) pairs of courses as who holds what.
pub fn held(pairs: &[(String, String)]) -> Vec<plan::Held> {
    pairs
        .iter()
        .map(|(r, i)| plan::Held::course(r.clone(), i.clone()))
        .collect()
}
