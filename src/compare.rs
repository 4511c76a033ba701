//! Comparing runs side by side: key figures, coverage per association, load, lending
//! across clusters, and what changed in the rota from the first run to each other one.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::model::Dataset;
use crate::plan::{Assignment, Reason};
use crate::run::Run;

/// The key figures of one run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunFigures {
    pub run: i64,
    pub scenario: String,
    pub requests_total: usize,
    pub requests_covered: usize,
    pub sessions_total: usize,
    pub sessions_covered: usize,
    pub weighted_covered: f64,
    pub weighted_total: f64,
    pub total_km: f64,
    pub km_per_session: f64,
    /// Travel reimbursement at the scenario's NOK-per-km rate, if it sets one.
    pub reimbursement_nok: Option<f64>,
    pub instructors_used: usize,
    /// Sessions per instructor used: (min, median, max).
    pub sessions_per_instructor: (usize, f64, usize),
    /// Assignments where the instructor's hub is not the association's cluster.
    pub lent_across_clusters: usize,
    /// Per hub that lends or caps its lending: sessions its instructors give outside its
    /// cluster, and its `lend_cap_sessions`.
    pub lent_by_hub: BTreeMap<String, (usize, Option<u32>)>,
    /// Sessions covered / requested, per association id.
    pub coverage_by_association: BTreeMap<String, (usize, usize)>,
    /// The association with the smallest share of its requested sessions covered, and the
    /// share — over the requests someone could take, as the fairness stage counts it.
    pub smallest_share: Option<(String, f64)>,
}

/// One change in the rota between two runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// Covered in the later run, not in the first.
    Added {
        request: String,
        /// The session, for a drop-in or guidance (0-based).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        part: Option<u32>,
        instructors: Vec<String>,
    },
    /// Covered in the first run, not in the later one.
    Removed {
        request: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        part: Option<u32>,
        instructors: Vec<String>,
    },
    /// Covered in both, by other instructors.
    InstructorChanged {
        request: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        part: Option<u32>,
        before: Vec<String>,
        after: Vec<String>,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    pub runs: Vec<RunFigures>,
    /// For each run after the first: (run id, changes from the first run).
    pub diffs: Vec<(i64, Vec<Change>)>,
    /// For each run after the first: (run id, [(association, sessions covered gained (+)
    /// or lost (−) against the first run)]), gainers first.
    pub shifts: Vec<(i64, Vec<(String, i64)>)>,
    /// Display names of the runs' associations, instructors and requests, for people.
    #[serde(skip)]
    pub names: Names,
}

/// What people call the records a comparison names by id: associations and instructors
/// by name, a request by its association and topic. An id nobody names stays an id.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Names {
    associations: BTreeMap<String, String>,
    instructors: BTreeMap<String, String>,
    requests: BTreeMap<String, String>,
}

impl Names {
    /// The names in `runs`' data; a later run's name wins (the newer data).
    pub fn of(runs: &[Run]) -> Names {
        let mut n = Names::default();
        for run in runs {
            n.add(&run.dataset);
        }
        n
    }

    /// The names in one dataset.
    pub fn of_dataset(ds: &crate::model::Dataset) -> Names {
        let mut n = Names::default();
        n.add(ds);
        n
    }

    fn add(&mut self, ds: &crate::model::Dataset) {
        for a in &ds.associations {
            self.associations.insert(a.id.clone(), a.name.clone());
        }
        for i in &ds.instructors {
            self.instructors.insert(i.id.clone(), i.name.clone());
        }
        for r in &ds.requests {
            let who = ds
                .association(&r.association)
                .map_or(&r.association, |a| &a.name);
            self.requests
                .insert(r.id.clone(), format!("{} ({who}, {})", r.id, r.topic));
        }
    }

    pub fn association<'a>(&'a self, id: &'a str) -> &'a str {
        self.associations.get(id).map_or(id, String::as_str)
    }

    pub fn instructor<'a>(&'a self, id: &'a str) -> &'a str {
        self.instructors.get(id).map_or(id, String::as_str)
    }

    /// `r16 (Seniornett Stjørdal, smarttelefon)`: the id stays, since a request has no
    /// name of its own and coordinators look requests up by it.
    pub fn request<'a>(&'a self, id: &'a str) -> &'a str {
        self.requests.get(id).map_or(id, String::as_str)
    }
}

impl crate::i18n::Naming for Names {
    fn instructor<'a>(&'a self, id: &'a str) -> &'a str {
        Names::instructor(self, id)
    }
    fn association<'a>(&'a self, id: &'a str) -> &'a str {
        Names::association(self, id)
    }
    fn request<'a>(&'a self, id: &'a str) -> &'a str {
        Names::request(self, id)
    }
}

/// Who holds each part (all of a course, or a session of a drop-in or guidance).
fn staffing(assignments: &[Assignment]) -> BTreeMap<(String, Option<u32>), Vec<String>> {
    let mut m: BTreeMap<(String, Option<u32>), Vec<String>> = BTreeMap::new();
    for a in assignments {
        m.entry((a.request.clone(), a.part))
            .or_default()
            .push(a.instructor.clone());
    }
    for v in m.values_mut() {
        v.sort();
    }
    m
}

impl Change {
    /// The request and the part changed.
    pub fn key(&self) -> (&str, Option<u32>) {
        match self {
            Change::Added { request, part, .. }
            | Change::Removed { request, part, .. }
            | Change::InstructorChanged { request, part, .. } => (request, *part),
        }
    }

    /// The request, and `#n` for the n-th session of a drop-in or guidance (`r41 #3`).
    pub fn label(&self) -> String {
        match self.key() {
            (request, None) => request.to_owned(),
            (request, Some(k)) => format!("{request} #{}", k + 1),
        }
    }

    /// One line for people: `~ r16 (Seniornett Stjørdal, smarttelefon): Kari Bakken →
    /// Ola Strand` (with `#n` for a session of a drop-in or guidance).
    pub fn line_named(&self, names: &Names) -> String {
        let who = |ids: &[String]| {
            ids.iter()
                .map(|i| names.instructor(i))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let request = match self.key() {
            (r, None) => names.request(r).to_owned(),
            (r, Some(k)) => format!("{} #{}", names.request(r), k + 1),
        };
        match self {
            Change::Added { instructors, .. } => format!("+ {request}: {}", who(instructors)),
            Change::Removed { instructors, .. } => format!("− {request}: {}", who(instructors)),
            Change::InstructorChanged { before, after, .. } => {
                format!("~ {request}: {} → {}", who(before), who(after))
            }
        }
    }

    /// One line: `+ r01: i03` (added), `− r01: i03` (removed), `~ r01: i03 → i05`.
    pub fn line(&self) -> String {
        let request = self.label();
        match self {
            Change::Added { instructors, .. } => format!("+ {request}: {}", instructors.join(", ")),
            Change::Removed { instructors, .. } => {
                format!("− {request}: {}", instructors.join(", "))
            }
            Change::InstructorChanged { before, after, .. } => {
                format!("~ {request}: {} → {}", before.join(", "), after.join(", "))
            }
        }
    }
}

/// The rota changes from `before` to `after`, by request id. Plain assignments, so that a
/// rota just planned can be diffed before (or without) storing it.
pub fn diff(before: &[Assignment], after: &[Assignment]) -> Vec<Change> {
    let (a, b) = (staffing(before), staffing(after));
    let ids: BTreeSet<&(String, Option<u32>)> = a.keys().chain(b.keys()).collect();
    ids.into_iter()
        .filter_map(|key| match (a.get(key), b.get(key)) {
            (None, Some(x)) => Some(Change::Added {
                request: key.0.clone(),
                part: key.1,
                instructors: x.clone(),
            }),
            (Some(x), None) => Some(Change::Removed {
                request: key.0.clone(),
                part: key.1,
                instructors: x.clone(),
            }),
            (Some(x), Some(y)) if x != y => Some(Change::InstructorChanged {
                request: key.0.clone(),
                part: key.1,
                before: x.clone(),
                after: y.clone(),
            }),
            _ => None,
        })
        .collect()
}

fn figures_of(run: &Run) -> RunFigures {
    let ds: &Dataset = &run.dataset;
    let f = &run.summary.figures;
    // Per request, its parts (all of a course, or each session of a drop-in or guidance)
    // as (part, sessions); a part is covered when someone holds it.
    let parts: BTreeMap<&str, Vec<(Option<u32>, usize)>> = ds
        .requests
        .iter()
        .map(|r| {
            let parts = r
                .parts()
                .into_iter()
                .map(|p| (p.index, p.sessions.len()))
                .collect();
            (r.id.as_str(), parts)
        })
        .collect();
    let held: BTreeSet<(&str, Option<u32>)> = run
        .assignments
        .iter()
        .map(|a| (a.request.as_str(), a.part))
        .collect();
    let covered: BTreeSet<&str> = held.iter().map(|(r, _)| *r).collect();
    // Sessions (covered, requested) of a request.
    let sessions_of = |id: &str| -> (usize, usize) {
        parts.get(id).map_or((0, 0), |ps| {
            ps.iter().fold((0, 0), |(c, t), &(k, n)| {
                (c + if held.contains(&(id, k)) { n } else { 0 }, t + n)
            })
        })
    };
    // The smallest share counts, as the fairness stage does, only requests someone could
    // take: covered, or uncovered because those who could are busy or too few.
    let takeable = |id: &str| {
        covered.contains(id)
            || run.uncovered.iter().any(|u| {
                u.request == id
                    && u.reasons.iter().any(|x| {
                        matches!(
                            x,
                            Reason::Busy { .. }
                                | Reason::TakenByOthers { .. }
                                | Reason::TooFewEligible { .. }
                        )
                    })
            })
    };
    // The share the fairness stage maximises (docs/model.md §6): sessions, and for
    // guidance the appointment slots of each desk.
    let instructors_on = |id: &str, part: Option<u32>| {
        run.assignments
            .iter()
            .filter(|a| a.request == id && a.part == part)
            .count()
    };
    let mut takeable_by_assoc: BTreeMap<&str, (f64, f64)> = BTreeMap::new();
    for r in ds.requests.iter().filter(|r| takeable(&r.id)) {
        let e = takeable_by_assoc.entry(r.association.as_str()).or_default();
        for part in r.parts() {
            let (_, amount) = r.worth(&part);
            let (most, held) = match r.format {
                crate::model::Format::OneToOne => {
                    let desks = r.staff_per_part() as usize;
                    (desks, instructors_on(&r.id, part.index).min(desks))
                }
                _ => (1, usize::from(instructors_on(&r.id, part.index) > 0)),
            };
            e.0 += amount * held as f64;
            e.1 += amount * most as f64;
        }
    }
    let mut by_assoc: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for r in &ds.requests {
        let e = by_assoc.entry(r.association.clone()).or_default();
        let (c, n) = sessions_of(&r.id);
        e.0 += c;
        e.1 += n;
    }
    let by_id: BTreeMap<&str, &crate::model::Request> =
        ds.requests.iter().map(|r| (r.id.as_str(), r)).collect();
    let sessions_held = |a: &crate::plan::Assignment| {
        by_id
            .get(a.request.as_str())
            .map_or(0, |r| r.part_sessions(a.part).len())
    };
    let mut load: BTreeMap<&str, usize> = BTreeMap::new();
    let mut lent_by_hub: BTreeMap<String, (usize, Option<u32>)> = ds
        .associations
        .iter()
        .filter(|a| a.lend_cap_sessions.is_some())
        .map(|a| (a.id.clone(), (0, None)))
        .collect();
    let mut lent = 0;
    for a in &run.assignments {
        *load.entry(a.instructor.as_str()).or_default() += sessions_held(a);
        let hub = ds
            .instructors
            .iter()
            .find(|i| i.id == a.instructor)
            .map(|i| i.association.as_str());
        let cluster = ds
            .requests
            .iter()
            .find(|r| r.id == a.request)
            .and_then(|r| ds.association(&r.association))
            .and_then(|x| x.cluster.as_deref());
        if hub.is_some() && cluster != hub {
            lent += 1;
            if let Some(h) = hub {
                lent_by_hub.entry(h.to_owned()).or_insert((0, None)).0 += sessions_held(a);
            }
        }
    }
    let mut loads: Vec<usize> = load.values().copied().collect();
    loads.sort_unstable();
    let median = match loads.len() {
        0 => 0.0,
        n if n % 2 == 1 => loads[n / 2] as f64,
        n => (loads[n / 2 - 1] + loads[n / 2]) as f64 / 2.0,
    };
    let instructor_sessions: usize = run.assignments.iter().map(sessions_held).sum();
    RunFigures {
        run: run.summary.id,
        scenario: run.summary.scenario.clone(),
        requests_total: f.requests_total,
        requests_covered: f.requests_covered,
        sessions_total: f.sessions_total,
        sessions_covered: f.sessions_covered,
        weighted_covered: f.weighted_covered,
        weighted_total: f.weighted_total,
        total_km: f.total_km,
        km_per_session: if instructor_sessions > 0 {
            f.total_km / instructor_sessions as f64
        } else {
            0.0
        },
        reimbursement_nok: run.params.nok_per_km.map(|rate| rate * f.total_km),
        instructors_used: f.instructors_used,
        sessions_per_instructor: (
            loads.first().copied().unwrap_or(0),
            median,
            loads.last().copied().unwrap_or(0),
        ),
        lent_across_clusters: lent,
        lent_by_hub: lent_by_hub
            .into_iter()
            .map(|(h, (n, _))| {
                let cap = ds.association(&h).and_then(|a| a.lend_cap_sessions);
                (h, (n, cap))
            })
            .collect(),
        smallest_share: takeable_by_assoc
            .iter()
            .filter(|(_, (_, requested))| *requested > 0.0)
            .map(|(a, (covered, requested))| ((*a).to_owned(), covered / requested))
            .min_by(|x, y| x.1.total_cmp(&y.1)),
        coverage_by_association: by_assoc,
    }
}

/// Compares runs; the first is the reference for the diffs.
pub fn compare(runs: &[Run]) -> Comparison {
    let figures: Vec<RunFigures> = runs.iter().map(figures_of).collect();
    let shifts = figures
        .iter()
        .skip(1)
        .map(|f| {
            let base = &figures[0].coverage_by_association;
            let names: BTreeSet<&String> = base
                .keys()
                .chain(f.coverage_by_association.keys())
                .collect();
            let mut moved: Vec<(String, i64)> = names
                .into_iter()
                .map(|a| {
                    let before = base.get(a).map_or(0, |c| c.0) as i64;
                    let after = f.coverage_by_association.get(a).map_or(0, |c| c.0) as i64;
                    (a.clone(), after - before)
                })
                .filter(|(_, d)| *d != 0)
                .collect();
            moved.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            (f.run, moved)
        })
        .collect();
    Comparison {
        runs: figures,
        diffs: runs
            .iter()
            .skip(1)
            .map(|r| (r.summary.id, diff(&runs[0].assignments, &r.assignments)))
            .collect(),
        shifts,
        names: Names::of(runs),
    }
}
