//! Comparing runs side by side: key figures, coverage per association, load, lending
//! across clusters, and what changed in the rota from the first run to each other one.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::i18n::Lang;
use crate::model::Dataset;
use crate::plan::calendar::sessions_of;
use crate::store::StoredRun;

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
    /// Sessions covered / requested, per association id.
    pub coverage_by_association: BTreeMap<String, (usize, usize)>,
}

/// One change in the rota between two runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// Covered in the later run, not in the first.
    Added {
        request: String,
        instructors: Vec<String>,
    },
    /// Covered in the first run, not in the later one.
    Removed {
        request: String,
        instructors: Vec<String>,
    },
    /// Covered in both, by other instructors.
    InstructorChanged {
        request: String,
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
}

fn staffing(run: &StoredRun) -> BTreeMap<String, Vec<String>> {
    let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for a in &run.assignments {
        m.entry(a.request.clone())
            .or_default()
            .push(a.instructor.clone());
    }
    for v in m.values_mut() {
        v.sort();
    }
    m
}

impl Change {
    /// One line: `+ r01: i03` (added), `− r01: i03` (removed), `~ r01: i03 → i05`.
    pub fn line(&self) -> String {
        match self {
            Change::Added {
                request,
                instructors,
            } => format!("+ {request}: {}", instructors.join(", ")),
            Change::Removed {
                request,
                instructors,
            } => format!("− {request}: {}", instructors.join(", ")),
            Change::InstructorChanged {
                request,
                before,
                after,
            } => {
                format!("~ {request}: {} → {}", before.join(", "), after.join(", "))
            }
        }
    }
}

/// The rota changes from `before` to `after`, by request id.
pub fn diff(before: &StoredRun, after: &StoredRun) -> Vec<Change> {
    let (a, b) = (staffing(before), staffing(after));
    let ids: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    ids.into_iter()
        .filter_map(|r| match (a.get(r), b.get(r)) {
            (None, Some(x)) => Some(Change::Added {
                request: r.clone(),
                instructors: x.clone(),
            }),
            (Some(x), None) => Some(Change::Removed {
                request: r.clone(),
                instructors: x.clone(),
            }),
            (Some(x), Some(y)) if x != y => Some(Change::InstructorChanged {
                request: r.clone(),
                before: x.clone(),
                after: y.clone(),
            }),
            _ => None,
        })
        .collect()
}

fn figures_of(run: &StoredRun) -> RunFigures {
    let ds: &Dataset = &run.dataset;
    let f = &run.summary.figures;
    let sessions: BTreeMap<&str, usize> = ds
        .requests
        .iter()
        .map(|r| (r.id.as_str(), sessions_of(r).len()))
        .collect();
    let covered: BTreeSet<&str> = run.assignments.iter().map(|a| a.request.as_str()).collect();
    let mut by_assoc: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for r in &ds.requests {
        let e = by_assoc.entry(r.association.clone()).or_default();
        let n = sessions[r.id.as_str()];
        e.1 += n;
        if covered.contains(r.id.as_str()) {
            e.0 += n;
        }
    }
    let mut load: BTreeMap<&str, usize> = BTreeMap::new();
    let mut lent = 0;
    for a in &run.assignments {
        *load.entry(a.instructor.as_str()).or_default() +=
            sessions.get(a.request.as_str()).copied().unwrap_or(0);
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
        }
    }
    let mut loads: Vec<usize> = load.values().copied().collect();
    loads.sort_unstable();
    let median = match loads.len() {
        0 => 0.0,
        n if n % 2 == 1 => loads[n / 2] as f64,
        n => (loads[n / 2 - 1] + loads[n / 2]) as f64 / 2.0,
    };
    let instructor_sessions: usize = run
        .assignments
        .iter()
        .map(|a| sessions.get(a.request.as_str()).copied().unwrap_or(0))
        .sum();
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
        coverage_by_association: by_assoc,
    }
}

/// Compares runs; the first is the reference for the diffs.
pub fn compare(runs: &[StoredRun]) -> Comparison {
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
            .map(|r| (r.summary.id, diff(&runs[0], r)))
            .collect(),
        shifts,
    }
}

fn pct(a: f64, b: f64) -> String {
    if b > 0.0 {
        format!("{:.1} %", 100.0 * a / b)
    } else {
        "–".into()
    }
}

impl Comparison {
    /// Rows of (label, one value per run): the side-by-side table.
    pub fn rows(&self, lang: Lang) -> Vec<(String, Vec<String>)> {
        let col = |f: &dyn Fn(&RunFigures) -> String| self.runs.iter().map(f).collect::<Vec<_>>();
        let mut rows = vec![
            (
                lang.pick("Kjøring", "Run").to_string(),
                col(&|r| r.run.to_string()),
            ),
            ("Scenario".to_string(), col(&|r| r.scenario.clone())),
            (
                lang.pick("Forespørsler dekket", "Requests covered").into(),
                col(&|r| {
                    format!(
                        "{}/{} ({})",
                        r.requests_covered,
                        r.requests_total,
                        pct(r.requests_covered as f64, r.requests_total as f64)
                    )
                }),
            ),
            (
                lang.pick("Økter dekket", "Sessions covered").into(),
                col(&|r| {
                    format!(
                        "{}/{} ({})",
                        r.sessions_covered,
                        r.sessions_total,
                        pct(r.sessions_covered as f64, r.sessions_total as f64)
                    )
                }),
            ),
            (
                lang.pick("Vektet dekning", "Weighted coverage").into(),
                col(&|r| {
                    format!(
                        "{}/{} ({})",
                        r.weighted_covered,
                        r.weighted_total,
                        pct(r.weighted_covered, r.weighted_total)
                    )
                }),
            ),
            (
                lang.pick("Km tur-retur", "Round-trip km").into(),
                col(&|r| format!("{:.0}", r.total_km)),
            ),
            (
                lang.pick("Km per økt", "Km per session").into(),
                col(&|r| format!("{:.1}", r.km_per_session)),
            ),
            (
                lang.pick("Reiseutgifter (NOK)", "Travel cost (NOK)").into(),
                col(&|r| {
                    r.reimbursement_nok
                        .map_or("–".into(), |n| format!("{n:.0}"))
                }),
            ),
            (
                lang.pick("Instruktører brukt", "Instructors used").into(),
                col(&|r| r.instructors_used.to_string()),
            ),
            (
                lang.pick(
                    "Økter per instruktør (min/median/maks)",
                    "Sessions per instructor (min/median/max)",
                )
                .into(),
                col(&|r| {
                    let (a, m, b) = r.sessions_per_instructor;
                    format!("{a}/{m}/{b}")
                }),
            ),
            (
                lang.pick("Utlånt på tvers av klynger", "Lent across clusters")
                    .into(),
                col(&|r| r.lent_across_clusters.to_string()),
            ),
        ];
        let assocs: BTreeSet<&String> = self
            .runs
            .iter()
            .flat_map(|r| r.coverage_by_association.keys())
            .collect();
        for a in assocs {
            rows.push((
                format!("  {a}"),
                col(&|r| {
                    r.coverage_by_association
                        .get(a)
                        .map_or("–".into(), |(c, t)| format!("{c}/{t}"))
                }),
            ));
        }
        rows
    }

    pub fn to_table(&self, lang: Lang) -> String {
        let rows = self.rows(lang);
        let w0 = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
        let widths: Vec<usize> = (0..self.runs.len())
            .map(|k| {
                rows.iter()
                    .map(|r| r.1[k].chars().count())
                    .max()
                    .unwrap_or(0)
                    .max(8)
            })
            .collect();
        let mut out = String::new();
        let assoc_header = rows.iter().position(|r| r.0.starts_with("  "));
        for (n, (label, vals)) in rows.iter().enumerate() {
            if Some(n) == assoc_header {
                out.push_str(lang.pick(
                    "Økter dekket per forening:\n",
                    "Sessions covered per association:\n",
                ));
            }
            out.push_str(&format!("{label:<w0$}"));
            for (v, w) in vals.iter().zip(&widths) {
                out.push_str(&format!("  {v:>w$}"));
            }
            out.push('\n');
        }
        for (run, moved) in &self.shifts {
            let list: Vec<String> = moved.iter().map(|(a, d)| format!("{d:+} {a}")).collect();
            out.push_str(&match lang {
                Lang::Nb => format!(
                    "\nVinnere og tapere, kjøring {} → {run} (økter dekket): {}\n",
                    self.runs[0].run,
                    list.join(", ")
                ),
                Lang::En => format!(
                    "\nWho gains, who loses, run {} → {run} (sessions covered): {}\n",
                    self.runs[0].run,
                    list.join(", ")
                ),
            });
        }
        for (run, changes) in &self.diffs {
            out.push_str(&match lang {
                Lang::Nb => format!(
                    "\nEndringer fra kjøring {} til {run} ({}):\n",
                    self.runs[0].run,
                    changes.len()
                ),
                Lang::En => format!(
                    "\nChanges from run {} to {run} ({}):\n",
                    self.runs[0].run,
                    changes.len()
                ),
            });
            for c in changes {
                out.push_str(&format!("  {}\n", c.line()));
            }
        }
        out
    }

    /// The side-by-side table as CSV (one column per run), then the diff rows.
    pub fn to_csv(&self, lang: Lang) -> String {
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        for (label, vals) in self.rows(lang) {
            let mut rec = vec![label.trim().to_string()];
            rec.extend(vals);
            let _ = w.write_record(&rec);
        }
        let _ = w.write_record(["change", "from_run", "to_run", "request", "before", "after"]);
        for (run, changes) in &self.diffs {
            for c in changes {
                let (kind, request, before, after) = match c {
                    Change::Added {
                        request,
                        instructors,
                    } => ("added", request, String::new(), instructors.join(";")),
                    Change::Removed {
                        request,
                        instructors,
                    } => ("removed", request, instructors.join(";"), String::new()),
                    Change::InstructorChanged {
                        request,
                        before,
                        after,
                    } => (
                        "instructor_changed",
                        request,
                        before.join(";"),
                        after.join(";"),
                    ),
                };
                let _ = w.write_record([
                    kind.to_string(),
                    self.runs[0].run.to_string(),
                    run.to_string(),
                    request.clone(),
                    before,
                    after,
                ]);
            }
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("plain data always serializes")
    }
}
