//! Answers are law: before a plan, the accepted answers are checked against each other and
//! against the declined ones, so that a conflict is told precisely (which answers, and why)
//! instead of ending in a rota that breaks one of them. Nothing is stored then.

use crate::i18n::Lang;
use crate::model::Dataset;
use crate::plan::{self, CheckScenario, Eligibility, HardConstraint, Instance, Params, Rule};

/// Why an accepted answer cannot be kept.
#[derive(Clone, Debug, PartialEq)]
pub enum Why {
    /// The instructor may not take the request now (data changed since the answer).
    NotEligible(Vec<Rule>),
    /// The request needs more instructors than are left once the declines are out.
    TooFew {
        needed: u32,
        declined: Vec<String>,
        eligible: usize,
    },
    /// More instructors accepted the request than it needs.
    TooMany { needed: u32, accepted: Vec<String> },
    /// Each accepted answer can be kept alone, but no rota keeps all of them with every
    /// course fully staffed (found by the optimiser, not by the checks before it).
    NotTogether,
    /// Two accepted assignments cannot both be kept (a clash or a limit).
    Clash(plan::Violation),
}

/// An accepted answer (request, instructor) that cannot be kept, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Conflict {
    pub request: String,
    pub instructor: String,
    pub why: Why,
}

impl Conflict {
    pub fn render(&self, lang: Lang) -> String {
        let (r, i) = (&self.request, &self.instructor);
        let why = match &self.why {
            Why::NotEligible(rules) => {
                let names: Vec<&str> = rules.iter().map(|x| x.name(lang)).collect();
                match lang {
                    Lang::Nb => format!("kan ikke ta kurset nå: {}", names.join(", ")),
                    Lang::En => format!("may not take it now: {}", names.join(", ")),
                }
            }
            Why::TooFew {
                needed,
                declined,
                eligible,
            } => match lang {
                Lang::Nb => format!(
                    "kurset trenger {needed} instruktører, men bare {eligible} kan ta det (takket nei: {})",
                    declined.join(", ")
                ),
                Lang::En => format!(
                    "the course needs {needed} instructors, but only {eligible} can take it (declined: {})",
                    declined.join(", ")
                ),
            },
            Why::TooMany { needed, accepted } => match lang {
                Lang::Nb => format!(
                    "kurset trenger bare {needed}, og disse har takket ja: {}",
                    accepted.join(", ")
                ),
                Lang::En => format!(
                    "the course needs only {needed}, and these accepted: {}",
                    accepted.join(", ")
                ),
            },
            Why::NotTogether => lang
                .pick(
                    "ingen rota kan holde det sammen med de andre ja-svarene og full bemanning",
                    "no rota can keep it together with the other accepted answers and full staffing",
                )
                .into(),
            Why::Clash(v) => v.render(lang),
        };
        match lang {
            Lang::Nb => format!("{i} har takket ja til {r}, men {why}"),
            Lang::En => format!("{i} accepted {r}, but {why}"),
        }
    }
}

/// Every accepted answer that cannot be kept in a plan of `ds` with `params`.
pub fn conflicts(ds: &Dataset, params: &Params) -> Vec<Conflict> {
    let answers = &params.answers;
    if answers.accepted.is_empty() {
        return Vec::new();
    }
    let inst = Instance::new(ds, params.clone());
    let elig = Eligibility::build(&inst);
    let mut out = Vec::new();
    let mut keepable = Vec::new();
    for (r, i) in &answers.accepted {
        let (Some(units), Some(&ik)) = (
            inst.request_index.get(r.as_str()),
            inst.instructor_index.get(i.as_str()),
        ) else {
            continue; // The request was withdrawn or the instructor left: nothing to keep.
        };
        // A request in parts (a drop-in, guidance): the answer keeps the instructor on
        // some of its sessions; it can be kept if they can take any one.
        let rk = units
            .iter()
            .copied()
            .find(|&u| elig.failed_rules(ik, u).is_empty())
            .unwrap_or(units[0]);
        let conflict = |why| Conflict {
            request: r.clone(),
            instructor: i.clone(),
            why,
        };
        let failed = elig.failed_rules(ik, rk);
        if !failed.is_empty() {
            out.push(conflict(Why::NotEligible(failed)));
            continue;
        }
        if inst.units[rk].part.is_some() {
            continue;
        }
        let needed = inst.units[rk].staff;
        let eligible = elig.by_request[rk].len();
        if eligible < needed as usize {
            let declined = answers
                .declined
                .iter()
                .filter(|(dr, _)| dr == r)
                .map(|(_, di)| di.clone())
                .collect();
            out.push(conflict(Why::TooFew {
                needed,
                declined,
                eligible,
            }));
            continue;
        }
        keepable.push(plan::Held::course(r.clone(), i.clone()));
    }
    // No request may have more accepted instructors than it needs.
    for r in &ds.requests {
        let accepted: Vec<String> = keepable
            .iter()
            .filter(|h| h.request == r.id)
            .map(|h| h.instructor.clone())
            .collect();
        if accepted.len() > r.instructors_needed as usize {
            for i in &accepted {
                out.push(Conflict {
                    request: r.id.clone(),
                    instructor: i.clone(),
                    why: Why::TooMany {
                        needed: r.instructors_needed,
                        accepted: accepted.clone(),
                    },
                });
            }
        }
    }
    // The accepted assignments that are each possible must also fit together: the checker
    // on them alone (staffing aside: the other instructors are the plan's to find).
    let scenario = CheckScenario {
        max_km: params.max_km,
        max_minutes: params.max_minutes,
        travel: params.travel,
        cluster_mode: inst.cluster_mode,
        answers: Default::default(),
    };
    for v in plan::check(ds, &scenario, &keepable) {
        if v.constraint == HardConstraint::Staffing {
            continue;
        }
        // A limit is broken per instructor (and week), not per request: every accepted
        // pair of that instructor takes part in it.
        let Some(i) = &v.instructor else { continue };
        for h in &keepable {
            if &h.instructor == i && v.request.as_ref().is_none_or(|vr| vr == &h.request) {
                out.push(Conflict {
                    request: h.request.clone(),
                    instructor: i.clone(),
                    why: Why::Clash(v.clone()),
                });
            }
        }
    }
    out
}
