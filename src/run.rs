//! A run as plain data: a planned rota with the input it was planned from, its parameters
//! and figures. The store reads and writes runs; comparisons and every output format read
//! them; none of them needs to know where a run came from.

use crate::model::Dataset;
use crate::plan::{
    Assignment, CheckScenario, ClusterMode, Figures, Outcome, Params, StageReport, Uncovered,
};

/// A run as listed by `klynge runs`.
#[derive(Clone, Debug, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct RunSummary {
    pub id: i64,
    pub scenario: String,
    pub dataset: String,
    pub created_at: String,
    pub status: String,
    pub solver: String,
    pub figures: Figures,
}

impl RunSummary {
    /// The run's status as a person reads it (`foreslått`, `publisert`).
    pub fn status_text(&self, lang: crate::i18n::Lang) -> &str {
        status_name(&self.status, lang).unwrap_or(&self.status)
    }
}

/// The name of a run's stored status (`proposed`, `approved`, …) for a reader, or `None`
/// for a code this version does not know.
pub fn status_name(code: &str, lang: crate::i18n::Lang) -> Option<&'static str> {
    let (nb, en) = match code {
        "proposed" => ("foreslått", "proposed"),
        "approved" => ("godkjent", "approved"),
        "published" => ("publisert", "published"),
        "superseded" => ("erstattet", "superseded"),
        "unsaved" => ("ikke lagret", "not stored"),
        _ => return None,
    };
    Some(lang.pick(nb, en))
}

/// The name of a run's stored solver (`milp`, `greedy`) for a reader.
pub fn solver_name(code: &str, lang: crate::i18n::Lang) -> String {
    match code {
        "milp" => "MILP".into(),
        "greedy" => lang.pick("grådig", "greedy").into(),
        other => other.into(),
    }
}

/// A run with everything needed to show, check, compare and explain it: stored, or just
/// planned (then its id is 0 and its status `unsaved`).
#[derive(Clone, Debug)]
pub struct Run {
    pub summary: RunSummary,
    pub dataset: Dataset,
    pub params: Params,
    pub cluster_mode: ClusterMode,
    pub assignments: Vec<Assignment>,
    pub uncovered: Vec<Uncovered>,
    pub stages: Vec<StageReport>,
}

impl Run {
    /// A planned run that is not (yet) stored.
    pub fn unsaved(
        scenario: &str,
        dataset_name: &str,
        dataset: &Dataset,
        params: &Params,
        outcome: &Outcome,
    ) -> Run {
        Run {
            summary: RunSummary {
                id: 0,
                scenario: scenario.to_owned(),
                dataset: dataset_name.to_owned(),
                created_at: String::new(),
                status: "unsaved".into(),
                solver: format!("{:?}", outcome.solver).to_lowercase(),
                figures: outcome.figures.clone(),
            },
            dataset: dataset.clone(),
            params: params.clone(),
            cluster_mode: outcome.cluster_mode,
            assignments: outcome.assignments.clone(),
            uncovered: outcome.uncovered.clone(),
            stages: outcome.stages.clone(),
        }
    }

    /// The scenario as the independent checker needs it.
    pub fn check_scenario(&self) -> CheckScenario {
        CheckScenario {
            max_km: self.params.max_km,
            max_minutes: self.params.max_minutes,
            travel: self.params.travel,
            cluster_mode: self.cluster_mode,
            answers: self.params.answers.clone(),
        }
    }

    /// The rota as who holds what, the checker's input.
    pub fn pairs(&self) -> Vec<crate::plan::Held> {
        self.assignments
            .iter()
            .map(crate::plan::Held::from)
            .collect()
    }

    /// The display name of an instructor of this run's input (the id if unknown).
    pub fn instructor_name(&self, id: &str) -> String {
        self.dataset
            .instructors
            .iter()
            .find(|i| i.id == id)
            .map_or_else(|| id.to_owned(), |i| i.name.clone())
    }
}
