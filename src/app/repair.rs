//! Repair: re-plan a run with the fewest changes (stage 2) after a drop-out or a decline.
//! Its accepted assignments are pinned and declined ones stay out.

use std::collections::BTreeMap;

use crate::compare::{Change, diff};
use crate::model::Dataset;
use crate::plan::{self, Answers, Params, SolverKind};
use crate::store::Store;

use super::error::Result;
use super::plan::{Planned, Progress, plan_checked_blocking, save};

/// A stored repair: the new run, the run it repairs, and what changed.
pub struct Repaired {
    pub id: i64,
    pub repairs: i64,
    pub scenario: String,
    pub dataset_name: String,
    pub planned: Planned,
    pub changes: Vec<Change>,
}

/// What the repair plans from.
pub struct RepairInput {
    /// The data to plan (the run's own input when the caller has nothing newer).
    pub dataset: Option<Dataset>,
    /// The parameters (the run's own, in its cluster mode, when `None`).
    pub params: Option<Params>,
    /// The name it is stored under.
    pub scenario: String,
    pub dataset_name: Option<String>,
}

/// Repairs run `id`: plans `input` in repair mode against the run's rota and answers,
/// checks, stores, and lists the changes.
pub async fn repair(
    store: &Store,
    id: i64,
    input: RepairInput,
    progress: Progress,
) -> Result<Repaired> {
    let run = store.run(id).await?;
    // Answers belong to (request, instructor), not to a run: all of them are law.
    let answers = Answers::from_map(&store.answers(None).await?);
    let ds = input.dataset.unwrap_or_else(|| run.dataset.clone());
    let base = input.params.unwrap_or_else(|| Params {
        cluster_mode: Some(run.cluster_mode),
        ..run.params.clone()
    });
    let params = Params {
        repair: Some(plan::repair_spec(&run.assignments)),
        answers,
        ..base
    };
    let planned = plan_checked_blocking(ds, params, SolverKind::Milp, progress).await?;
    let name = input
        .dataset_name
        .unwrap_or_else(|| run.summary.dataset.clone());
    let new = save(store, &input.scenario, &name, &planned).await?;
    let changes = diff(&run.assignments, &planned.outcome.assignments);
    Ok(Repaired {
        id: new,
        repairs: id,
        scenario: input.scenario,
        dataset_name: name,
        planned,
        changes,
    })
}

/// One course an instructor gains or loses in a repair.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonChange {
    pub gained: bool,
    pub request: String,
}

/// The changes by person: every instructor who gains or loses a course.
pub fn by_person(changes: &[Change]) -> BTreeMap<String, Vec<PersonChange>> {
    let mut out: BTreeMap<String, Vec<PersonChange>> = BTreeMap::new();
    for c in changes {
        let request = &c.label();
        let (before, after): (&[String], &[String]) = match c {
            Change::Added { instructors, .. } => (&[], instructors),
            Change::Removed { instructors, .. } => (instructors, &[]),
            Change::InstructorChanged { before, after, .. } => (before, after),
        };
        for i in before.iter().filter(|i| !after.contains(i)) {
            out.entry(i.clone()).or_default().push(PersonChange {
                gained: false,
                request: request.clone(),
            });
        }
        for i in after.iter().filter(|i| !before.contains(i)) {
            out.entry(i.clone()).or_default().push(PersonChange {
                gained: true,
                request: request.clone(),
            });
        }
    }
    out
}
