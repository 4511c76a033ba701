//! Training advice (issue 13, part 3): which N trainings — an instructor learning a topic,
//! or learning to teach in a language they are willing to — would cover the most of the
//! demand a run leaves uncovered.
//!
//! It is the planning model itself with the trainings as decisions (docs/model.md §10b):
//! every instructor who fails an uncovered request only on its topic, or only on its
//! language (one of their `willing_languages`), or on both, is a candidate for what is
//! missing; a pair is usable only if the trainings it needs are chosen, and at most N are
//! chosen; stage 1 then maximises weighted coverage over rotas and trainings together. The
//! trainings it uses are confirmed by planning again with only them added, as a
//! coordinator would after the seminar, and each is credited with what it covers there.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::i18n::Lang;
use crate::model::Dataset;
use crate::plan::{
    self, Eligibility, Instance, Params, Rule, Skill, SolverKind, StageStatus, Trainings,
};
use crate::run::Run;

use super::error::{AppError, Result};

/// One training and what it covers in the confirming plan.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Training {
    pub instructor: String,
    pub instructor_name: String,
    pub skill: Skill,
    /// Requests the trained instructor takes that need the skill.
    pub requests: Vec<String>,
    pub sessions: usize,
    /// The associations' names.
    pub associations: Vec<String>,
}

/// The advice for one run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Advice {
    pub run: i64,
    pub budget: usize,
    /// Candidate trainings considered.
    pub candidates: usize,
    pub trainings: Vec<Training>,
    pub weighted_before: f64,
    /// Weighted coverage of the confirming plan.
    pub weighted_after: f64,
    pub requests_before: usize,
    pub requests_after: usize,
    /// Requests the run leaves uncovered that the confirming plan covers (the trained
    /// instructors may take others, freeing colleagues for these).
    pub newly_covered: Vec<String>,
    /// Whether stage 1 proved the choice optimal (else: the best found in the time limit).
    pub proven_optimal: bool,
}

/// The best `budget` trainings for `run`, within `time_limit_s`.
pub fn advise(run: &Run, budget: usize, time_limit_s: f64) -> Result<Advice> {
    let params = Params {
        cluster_mode: Some(run.cluster_mode),
        repair: None,
        time_limit_s,
        trainings: None,
        ..run.params.clone()
    };
    let ds = &run.dataset;
    let candidates = candidates(ds, &params, run);
    let before = &run.summary.figures;
    let mut advice = Advice {
        run: run.summary.id,
        budget,
        candidates: candidates.len(),
        trainings: Vec::new(),
        weighted_before: before.weighted_covered,
        weighted_after: before.weighted_covered,
        requests_before: before.requests_covered,
        requests_after: before.requests_covered,
        newly_covered: Vec::new(),
        proven_optimal: true,
    };
    if candidates.is_empty() || budget == 0 {
        return Ok(advice);
    }
    // Rotas and trainings together.
    let searched = plan::plan(
        &with_trainings(ds, &candidates),
        &Params {
            trainings: Some(Trainings {
                budget,
                candidates: candidates.clone(),
            }),
            ..params.clone()
        },
        SolverKind::Milp,
        &|_| {},
    );
    advice.proven_optimal = searched
        .stages
        .iter()
        .find(|s| s.stage == plan::Stage::Coverage)
        .is_some_and(|s| s.status == StageStatus::Optimal);
    let used: BTreeSet<(String, Skill)> = searched
        .assignments
        .iter()
        .filter_map(|a| {
            ds.requests
                .iter()
                .find(|r| r.id == a.request)
                .map(|r| (a, r))
        })
        .flat_map(|(a, r)| {
            candidates
                .iter()
                .filter(move |(i, skill)| *i == a.instructor && skill.needed_by(r))
                .cloned()
        })
        .collect();
    if used.len() > budget {
        // The model allows no more; a fallback rota that ignores the budget is not advice.
        return Err(AppError::Planning);
    }
    // Confirmed as a coordinator would: the chosen trainings become topics, and plan again.
    let mut used: Vec<(String, Skill)> = used.into_iter().collect();
    let confirm = |trainings: &[(String, Skill)]| {
        super::plan::plan_checked(
            &with_trainings(ds, trainings),
            &params,
            SolverKind::Milp,
            &|_| {},
        )
    };
    let mut confirmed = confirm(&used)?;
    // With room to spare, the search may use a training that covers nothing more (its
    // instructor takes a course a colleague could have taken): that is not advice. Each
    // is tried away in turn, and dropped when the plan without it covers as much.
    let mut k = 0;
    while k < used.len() {
        let mut fewer = used.clone();
        fewer.remove(k);
        let without = confirm(&fewer)?;
        if without.outcome.figures.weighted_covered + 1e-6
            >= confirmed.outcome.figures.weighted_covered
        {
            used = fewer;
            confirmed = without;
        } else {
            k += 1;
        }
    }
    let after = &confirmed.outcome;
    advice.weighted_after = after.figures.weighted_covered;
    advice.requests_after = after.figures.requests_covered;
    // By part: a drop-in's session staffed now, not just any session of it.
    let was_uncovered: BTreeSet<(&str, Option<u32>)> = run
        .uncovered
        .iter()
        .map(|u| (u.request.as_str(), u.part))
        .collect();
    advice.newly_covered = after
        .assignments
        .iter()
        .filter(|a| was_uncovered.contains(&(a.request.as_str(), a.part)))
        .map(|a| a.request.as_str())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(str::to_owned)
        .collect();
    advice.trainings = used
        .iter()
        .map(|(i, skill)| {
            let requests: Vec<&crate::model::Request> = after
                .assignments
                .iter()
                .filter(|a| a.instructor == *i)
                .filter_map(|a| ds.requests.iter().find(|r| r.id == a.request))
                .filter(|r| skill.needed_by(r))
                .collect();
            let associations: BTreeSet<String> = requests
                .iter()
                .map(|r| {
                    ds.association(&r.association)
                        .map_or_else(|| r.association.clone(), |a| a.name.clone())
                })
                .collect();
            Training {
                instructor: i.clone(),
                instructor_name: ds
                    .instructors
                    .iter()
                    .find(|x| x.id == *i)
                    .map_or_else(|| i.clone(), |x| x.name.clone()),
                skill: skill.clone(),
                requests: requests.iter().map(|r| r.id.clone()).collect(),
                sessions: requests.iter().map(|r| r.all_sessions().len()).sum(),
                associations: associations.into_iter().collect(),
            }
        })
        .collect();
    Ok(advice)
}

/// `advise` on a blocking thread (it solves MILPs), for async callers.
pub async fn advise_blocking(run: Run, budget: usize, time_limit_s: f64) -> Result<Advice> {
    tokio::task::spawn_blocking(move || advise(&run, budget, time_limit_s))
        .await
        .map_err(|_| AppError::Planning)?
}

/// (instructor, skill) for every instructor who fails an uncovered request of the run on
/// its topic, its language (one they are willing to teach in), or both, and on nothing
/// else that is known before travel is worked out.
fn candidates(ds: &Dataset, params: &Params, run: &Run) -> Vec<(String, Skill)> {
    let inst = Instance::new(ds, params.clone());
    let elig = Eligibility::build(&inst);
    let uncovered: BTreeSet<(&str, Option<u32>)> = run
        .uncovered
        .iter()
        .map(|u| (u.request.as_str(), u.part))
        .collect();
    let mut out = BTreeSet::new();
    // r is a unit of the instance: a course, or one session of a drop-in or guidance.
    for r in 0..inst.n_requests() {
        let req = inst.request(r);
        if !uncovered.contains(&(req.id.as_str(), inst.units[r].part)) {
            continue;
        }
        for (i, ins) in ds.instructors.iter().enumerate() {
            let failed = elig.failed_rules(i, r);
            let topic = failed.contains(&Rule::Topic);
            let language = failed.contains(&Rule::Language);
            let trainable = failed
                .iter()
                .all(|rule| matches!(rule, Rule::Topic | Rule::Language));
            // A language the instructor is willing to teach in (one of a drop-in's).
            let willing = req
                .languages()
                .into_iter()
                .find(|l| ins.willing_languages.iter().any(|w| w == l));
            if !trainable || (language && willing.is_none()) {
                continue;
            }
            if topic {
                out.insert((ins.id.clone(), Skill::Topic(req.topic.clone())));
            }
            if let Some(l) = willing.filter(|_| language) {
                out.insert((ins.id.clone(), Skill::Language(l.to_owned())));
            }
        }
    }
    out.into_iter().collect()
}

/// The dataset with each training added to the instructor's topics or languages.
fn with_trainings(ds: &Dataset, trainings: &[(String, Skill)]) -> Dataset {
    let mut ds = ds.clone();
    for (i, skill) in trainings {
        let Some(ins) = ds.instructors.iter_mut().find(|x| x.id == *i) else {
            continue;
        };
        let (list, v) = match skill {
            Skill::Topic(t) => (&mut ins.topics, t),
            Skill::Language(l) => (&mut ins.languages, l),
        };
        if !list.contains(v) {
            list.push(v.clone());
        }
    }
    ds
}

/// What a training teaches, as a phrase: "lærer bankid", "learns to teach in ar".
pub fn learns(skill: &Skill, lang: Lang) -> String {
    match (skill, lang) {
        (Skill::Topic(t), Lang::Nb) => format!("lærer {t}"),
        (Skill::Topic(t), Lang::En) => format!("learns {t}"),
        (Skill::Language(l), Lang::Nb) => format!("lærer å undervise på {l}"),
        (Skill::Language(l), Lang::En) => format!("learns to teach in {l}"),
    }
}

impl Advice {
    /// "Confirmed by planning again: weighted coverage 565 → 604, …", in `lang`.
    pub fn confirmed(&self, lang: Lang) -> String {
        let n = |v: f64| lang.number(v, 0);
        match lang {
            Lang::Nb => format!(
                "Bekreftet ved ny planlegging: vektet dekning {} → {}, forespørsler dekket {} → {}{}",
                n(self.weighted_before),
                n(self.weighted_after),
                self.requests_before,
                self.requests_after,
                if self.proven_optimal {
                    " (bevist best)"
                } else {
                    " (best funnet innen tidsgrensen)"
                }
            ),
            Lang::En => format!(
                "Confirmed by planning again: weighted coverage {} → {}, requests covered {} → {}{}",
                n(self.weighted_before),
                n(self.weighted_after),
                self.requests_before,
                self.requests_after,
                if self.proven_optimal {
                    " (proven best)"
                } else {
                    " (best found within the time limit)"
                }
            ),
        }
    }

    /// The advice as a section of the HTML report.
    pub fn section(&self, lang: Lang) -> crate::export::report::AdviceSection {
        crate::export::report::AdviceSection {
            run: self.run,
            budget: self.budget,
            rows: self
                .trainings
                .iter()
                .map(|t| {
                    [
                        format!("{} ({})", t.instructor_name, t.instructor),
                        learns(&t.skill, lang),
                        t.requests.join(", "),
                        t.sessions.to_string(),
                        t.associations.join(", "),
                    ]
                })
                .collect(),
            confirmed: self.confirmed(lang),
        }
    }
}
