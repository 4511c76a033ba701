//! Training advice (issue 13, part 3): which N trainings — an instructor learning a topic
//! — would cover the most of the demand a run leaves uncovered.
//!
//! It is the planning model itself with the trainings as decisions (docs/model.md §10):
//! every instructor who fails an uncovered request on its topic alone is a candidate for
//! that topic; a pair that needs a training is usable only if the training is chosen, and
//! at most N are chosen; stage 1 then maximises weighted coverage over rotas and trainings
//! together. The trainings it uses are confirmed by planning again with only them added, as
//! a coordinator would after the seminar, and each is credited with what it covers there.
//! Trainings in a new language are not proposed: the data do not say who would be willing.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::model::Dataset;
use crate::plan::{self, Eligibility, Instance, Params, Rule, SolverKind, StageStatus, Trainings};
use crate::run::Run;

use super::error::{AppError, Result};

/// One training and what it covers in the confirming plan.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Training {
    pub instructor: String,
    pub instructor_name: String,
    pub topic: String,
    /// Requests the trained instructor takes on that topic.
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
        &|_, _| {},
    );
    advice.proven_optimal = searched
        .stages
        .iter()
        .find(|s| s.stage == plan::Stage::Coverage)
        .is_some_and(|s| s.status == StageStatus::Optimal);
    let used: BTreeSet<(String, String)> = searched
        .assignments
        .iter()
        .filter_map(|a| {
            let topic = &ds.requests.iter().find(|r| r.id == a.request)?.topic;
            let pair = (a.instructor.clone(), topic.clone());
            candidates.contains(&pair).then_some(pair)
        })
        .collect();
    if used.len() > budget {
        // The model allows no more; a fallback rota that ignores the budget is not advice.
        return Err(AppError::Planning);
    }
    // Confirmed as a coordinator would: the chosen trainings become topics, and plan again.
    let used: Vec<(String, String)> = used.into_iter().collect();
    let trained = with_trainings(ds, &used);
    let confirmed = super::plan::plan_checked(&trained, &params, SolverKind::Milp, &|_, _| {})?;
    let after = &confirmed.outcome;
    advice.weighted_after = after.figures.weighted_covered;
    advice.requests_after = after.figures.requests_covered;
    let was_uncovered: BTreeSet<&str> = run.uncovered.iter().map(|u| u.request.as_str()).collect();
    advice.newly_covered = after
        .assignments
        .iter()
        .map(|a| a.request.as_str())
        .filter(|r| was_uncovered.contains(r))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(str::to_owned)
        .collect();
    advice.trainings = used
        .iter()
        .map(|(i, topic)| {
            let requests: Vec<&crate::model::Request> = after
                .assignments
                .iter()
                .filter(|a| a.instructor == *i)
                .filter_map(|a| ds.requests.iter().find(|r| r.id == a.request))
                .filter(|r| r.topic == *topic)
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
                topic: topic.clone(),
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

/// (instructor, topic) for every instructor who fails an uncovered request of the run on
/// its topic and on nothing else that is known before travel is worked out.
fn candidates(ds: &Dataset, params: &Params, run: &Run) -> Vec<(String, String)> {
    let inst = Instance::new(ds, params.clone());
    let elig = Eligibility::build(&inst);
    let uncovered: BTreeSet<&str> = run.uncovered.iter().map(|u| u.request.as_str()).collect();
    let mut out = BTreeSet::new();
    for (r, req) in ds.requests.iter().enumerate() {
        if !uncovered.contains(req.id.as_str()) {
            continue;
        }
        for (i, ins) in ds.instructors.iter().enumerate() {
            if elig.failed_rules(i, r) == [Rule::Topic] {
                out.insert((ins.id.clone(), req.topic.clone()));
            }
        }
    }
    out.into_iter().collect()
}

/// The dataset with each (instructor, topic) training added to the instructor's topics.
fn with_trainings(ds: &Dataset, trainings: &[(String, String)]) -> Dataset {
    let mut ds = ds.clone();
    for (i, topic) in trainings {
        if let Some(ins) = ds.instructors.iter_mut().find(|x| x.id == *i)
            && !ins.topics.contains(topic)
        {
            ins.topics.push(topic.clone());
        }
    }
    ds
}
