//! Plan: resolve proposed clusters, plan, check, and store — the one pipeline behind
//! `klynge plan`, `klynge scenario run`, `klynge repair` and the service's "plan now".

use crate::model::Dataset;
use crate::plan::{self, HardConstraint, Outcome, Params, SolverKind, clusters::ClusterProposal};

use super::answers::{Conflict, Why};
use crate::store::{NewRun, Store};

use super::error::{AppError, Result};

/// A run that has been planned and checked, ready to store.
pub struct Planned {
    /// The dataset planned (with proposed clusters, if any).
    pub ds: Dataset,
    /// The parameters as given (a proposed cluster mode stays `proposed`).
    pub params: Params,
    pub outcome: Outcome,
    pub proposal: Option<ClusterProposal>,
}

/// Resolves proposed clusters, plans, and runs the independent checker: a rota it rejects
/// is an error, never a stored run. `progress` is told each stage and component as they
/// finish.
pub fn plan_checked(
    ds: &Dataset,
    params: &Params,
    solver: SolverKind,
    progress: plan::OnProgress,
) -> Result<Planned> {
    // The planner assumes a validated dataset: every path to it passes here.
    let problems = crate::model::validate(ds);
    if !problems.is_empty() {
        return Err(AppError::Dataset(crate::model::Problems(problems)));
    }
    let (ds, resolved, proposal) =
        plan::resolve_clusters(ds, params, solver).map_err(AppError::Clusters)?;
    // Answers are law: a conflict among them is told, never planned around.
    let conflicts = super::answers::conflicts(&ds, &resolved);
    if !conflicts.is_empty() {
        return Err(AppError::Answers(conflicts));
    }
    let outcome = plan::plan(&ds, &resolved, solver, progress);
    let violations = plan::check(&ds, &outcome.check_scenario(&resolved), &outcome.pairs());
    // Accepted answers that only the optimiser could find do not fit together: say whose.
    if !violations.is_empty()
        && violations
            .iter()
            .all(|v| v.constraint == HardConstraint::AcceptedDropped)
    {
        return Err(AppError::Answers(
            violations
                .into_iter()
                .filter_map(|v| {
                    Some(Conflict {
                        request: v.request?,
                        instructor: v.instructor?,
                        why: Why::NotTogether,
                    })
                })
                .collect(),
        ));
    }
    if !violations.is_empty() {
        return Err(AppError::Rejected(violations));
    }
    Ok(Planned {
        ds,
        params: params.clone(),
        outcome,
        proposal,
    })
}

/// Stores a checked run in one transaction; returns its id.
pub async fn save(store: &Store, scenario: &str, dataset_name: &str, p: &Planned) -> Result<i64> {
    Ok(store
        .save_run(&NewRun {
            scenario,
            dataset_name,
            dataset: &p.ds,
            params: &p.params,
            outcome: &p.outcome,
            baseline: p.outcome.baseline.as_ref(),
        })
        .await?)
}

/// Told each step of planning; shared with the planning thread.
pub type Progress = std::sync::Arc<dyn Fn(plan::Progress) + Send + Sync>;

/// `plan_checked` on a blocking thread, so that an async caller (the service, a repair)
/// keeps serving meanwhile.
pub async fn plan_checked_blocking(
    ds: Dataset,
    params: Params,
    solver: SolverKind,
    progress: Progress,
) -> Result<Planned> {
    tokio::task::spawn_blocking(move || plan_checked(&ds, &params, solver, &*progress))
        .await
        .map_err(|_| AppError::Planning)?
}

/// A progress callback that ignores progress.
pub fn no_progress() -> Progress {
    std::sync::Arc::new(plan::quiet)
}
