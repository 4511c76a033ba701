//! Plain-text tables for the terminal: a rota by association or by instructor, and runs
//! side by side.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::sheet::Cell;
use super::{GroupBy, Rota, RotaEntry};
use crate::compare::{Comparison, RunFigures};
use crate::i18n::Lang;
use crate::model::Session;
use crate::run::RunSummary;

impl Rota {
    /// A plain-text table, grouped by association or by instructor.
    pub fn to_table(&self, by: GroupBy, lang: Lang) -> String {
        let mut groups: BTreeMap<String, Vec<&RotaEntry>> = BTreeMap::new();
        for e in &self.entries {
            let key = match by {
                GroupBy::Association => format!("{} ({})", e.association_name, e.association),
                GroupBy::Instructor => format!("{} ({})", e.instructor_name, e.instructor),
            };
            groups.entry(key).or_default().push(e);
        }
        let mut out = String::new();
        let other = match by {
            GroupBy::Association => lang.pick("Instruktør", "Instructor"),
            GroupBy::Instructor => lang.pick("Forening", "Association"),
        };
        for (group, entries) in groups {
            let _ = writeln!(out, "{group}");
            let _ = writeln!(
                out,
                "  {:<11} {:<18} {:<5} {:<36} {:<26} {:>8}",
                lang.pick("Forespørsel", "Request"),
                lang.pick("Emne", "Topic"),
                lang.pick("Språk", "Lang"),
                lang.pick("Økter", "Sessions"),
                other,
                lang.pick("Km én vei", "Km one way")
            );
            for e in entries {
                let who = match by {
                    GroupBy::Association => e.instructor_name.clone(),
                    GroupBy::Instructor => e.association_name.clone(),
                };
                let _ = writeln!(
                    out,
                    "  {:<11} {:<18} {:<5} {:<36} {:<26} {:>8}",
                    e.request,
                    e.topic,
                    e.language,
                    sessions_summary(&e.sessions, lang),
                    who,
                    lang.number(e.km_one_way, 1)
                );
            }
            out.push('\n');
        }
        if !self.uncovered.is_empty() {
            let _ = writeln!(out, "{}", lang.pick("Ikke dekket", "Not covered"));
            for u in &self.uncovered {
                let _ = writeln!(
                    out,
                    "  {} ({}): {}",
                    u.request,
                    u.association_name,
                    u.reasons.join("; ")
                );
            }
        }
        out
    }
}

impl Comparison {
    /// Rows of (label, one value per run): the side-by-side table, its first row the runs.
    pub(crate) fn rows(&self, lang: Lang) -> Vec<(String, Vec<Cell>)> {
        let col = |f: &dyn Fn(&RunFigures) -> Cell| self.runs.iter().map(f).collect::<Vec<_>>();
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        let ratio = |a: f64, b: f64| Cell::Parts {
            values: vec![a, b],
            share: true,
        };
        let mut rows = vec![
            (
                lang.pick("Kjøring", "Run").to_string(),
                col(&|r| Cell::Int(r.run)),
            ),
            ("Scenario".to_string(), col(&|r| Cell::text(&r.scenario))),
            (
                lang.pick("Forespørsler dekket", "Requests covered").into(),
                col(&|r| ratio(r.requests_covered as f64, r.requests_total as f64)),
            ),
            (
                lang.pick("Økter dekket", "Sessions covered").into(),
                col(&|r| ratio(r.sessions_covered as f64, r.sessions_total as f64)),
            ),
            (
                lang.pick("Vektet dekning", "Weighted coverage").into(),
                col(&|r| ratio(r.weighted_covered, r.weighted_total)),
            ),
            (
                lang.pick("Km tur-retur", "Round-trip km").into(),
                col(&|r| Cell::number(r.total_km, 0)),
            ),
            (
                lang.pick("Km per økt", "Km per session").into(),
                col(&|r| Cell::number(r.km_per_session, 1)),
            ),
            (
                lang.pick("Reiseutgifter (NOK)", "Travel cost (NOK)").into(),
                col(&|r| {
                    r.reimbursement_nok
                        .map_or(Cell::text("–"), |n| Cell::number(n, 0))
                }),
            ),
            (
                lang.pick("Instruktører brukt", "Instructors used").into(),
                col(&|r| Cell::Int(count(r.instructors_used))),
            ),
            (
                lang.pick(
                    "Økter per instruktør (min/median/maks)",
                    "Sessions per instructor (min/median/max)",
                )
                .into(),
                col(&|r| {
                    let (a, m, b) = r.sessions_per_instructor;
                    Cell::Parts {
                        values: vec![a as f64, m, b as f64],
                        share: false,
                    }
                }),
            ),
            (
                lang.pick("Utlånt på tvers av klynger", "Lent across clusters")
                    .into(),
                col(&|r| Cell::Int(count(r.lent_across_clusters))),
            ),
            (
                lang.pick(
                    "Minste dekningsandel av det som kan dekkes (forening)",
                    "Smallest share covered of what can be (association)",
                )
                .into(),
                col(&|r| {
                    r.smallest_share
                        .as_ref()
                        .map_or(Cell::text("–"), |(a, s)| Cell::Percent {
                            share: *s,
                            of: Some(self.names.association(a).to_owned()),
                        })
                }),
            ),
        ];
        let hubs: BTreeSet<&String> = self
            .runs
            .iter()
            .flat_map(|r| r.lent_by_hub.keys())
            .collect();
        for h in hubs {
            rows.push((
                match lang {
                    Lang::Nb => format!(
                        "Utlånt fra {} (kursdager/grense)",
                        self.names.association(h)
                    ),
                    Lang::En => format!("Lent by {} (sessions/cap)", self.names.association(h)),
                },
                col(&|r| {
                    r.lent_by_hub
                        .get(h)
                        .map_or(Cell::Int(0), |(n, cap)| match cap {
                            Some(c) => Cell::Parts {
                                values: vec![*n as f64, f64::from(*c)],
                                share: false,
                            },
                            None => Cell::Int(count(*n)),
                        })
                }),
            ));
        }
        let assocs: BTreeSet<&String> = self
            .runs
            .iter()
            .flat_map(|r| r.coverage_by_association.keys())
            .collect();
        for a in assocs {
            rows.push((
                format!("  {}", self.names.association(a)),
                col(&|r| {
                    r.coverage_by_association
                        .get(a)
                        .map_or(Cell::text("–"), |(c, t)| Cell::Parts {
                            values: vec![*c as f64, *t as f64],
                            share: false,
                        })
                }),
            ));
        }
        rows
    }

    pub fn to_table(&self, lang: Lang) -> String {
        let rows: Vec<(String, Vec<String>)> = self
            .rows(lang)
            .into_iter()
            .map(|(label, cells)| {
                let shown = cells.iter().map(|c| c.read(lang)).collect();
                (label, shown)
            })
            .collect();
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
            let list: Vec<String> = moved
                .iter()
                .map(|(a, d)| {
                    format!(
                        "{} {}",
                        lang.signed(*d as f64, 0),
                        self.names.association(a)
                    )
                })
                .collect();
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
                out.push_str(&format!("  {}\n", c.line_named(&self.names)));
            }
        }
        out
    }
}

/// "8 × tor 10:00–12:00 fra 14.01.2027": the count, the first session's weekday and
/// time, and its date.
fn sessions_summary(sessions: &[Session], lang: Lang) -> String {
    use chrono::Datelike;
    let Some(first) = sessions.first() else {
        return String::new();
    };
    format!(
        "{} × {} {}–{} {} {}",
        sessions.len(),
        lang.weekday_short(first.date.weekday()),
        first.start,
        first.end,
        lang.pick("fra", "from"),
        lang.date(first.date)
    )
}

/// The stored runs, one line each, newest first.
pub fn runs_table(runs: &[RunSummary], lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:>4}  {:<20} {:<16} {:<11} {:<7} {:>12} {:>14} {:>9}  {}",
        lang.pick("nr.", "id"),
        "scenario",
        lang.pick("datasett", "dataset"),
        "status",
        lang.pick("løser", "solver"),
        lang.pick("forespørsler", "requests"),
        lang.pick("vektet dekning", "weighted"),
        "km",
        lang.pick("laget", "created"),
    );
    for r in runs {
        let f = &r.figures;
        let _ = writeln!(
            out,
            "{:>4}  {:<20} {:<16} {:<11} {:<7} {:>12} {:>14} {:>9}  {}",
            r.id,
            r.scenario,
            r.dataset,
            crate::run::status_name(&r.status, lang).unwrap_or(&r.status),
            crate::run::solver_name(&r.solver, lang),
            format!("{}/{}", f.requests_covered, f.requests_total),
            lang.percent_of(f.weighted_covered, f.weighted_total),
            lang.number(f.total_km, 0),
            lang.timestamp(&r.created_at)
        );
    }
    out
}
