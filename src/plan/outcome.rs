//! What planning produces: the rota, what stays uncovered and why, the key figures, and
//! the solver's report per stage. Plain data: the store, the comparisons and every output
//! format read these types, and none of them needs to know how the MILP is built.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::checker::CheckScenario;
use super::explain::Reason;
use super::params::{ClusterMode, Params, SolverKind};
use crate::i18n::Lang;
use crate::model::{Dataset, VenueId};

/// One instructor on one request, for all its sessions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    pub request: String,
    pub instructor: String,
    /// One-way travel.
    pub km: f64,
    pub minutes: u32,
}

/// A request left uncovered, with the reasons.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Uncovered {
    pub request: String,
    pub reasons: Vec<Reason>,
    /// Other offers to refer the association to (refer, never reject).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub referrals: Vec<super::refer::Referral>,
}

/// The key figures of a rota.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Figures {
    pub requests_total: usize,
    pub requests_covered: usize,
    pub sessions_total: usize,
    pub sessions_covered: usize,
    /// Σ p(r)·|sessions(r)| over covered requests (stage 1's objective).
    pub weighted_covered: f64,
    pub weighted_total: f64,
    pub instructors_used: usize,
    /// Round-trip km: 2·km for each instructor, venue and day with a session (stage 3's
    /// objective, docs/model.md §3).
    pub total_km: f64,
    /// The largest number of sessions given to one instructor (stage 4's objective).
    pub max_load: usize,
}

/// The figures of one component of the decomposition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComponentReport {
    pub requests: usize,
    pub instructors: usize,
    pub pairs: usize,
    pub stages: Vec<StageReport>,
}

/// The outcome of planning: the rota, what stays uncovered and why, and how it was found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub solver: SolverKind,
    pub cluster_mode: ClusterMode,
    pub assignments: Vec<Assignment>,
    pub uncovered: Vec<Uncovered>,
    pub figures: Figures,
    /// Per stage, summed over components (MILP only).
    pub stages: Vec<StageReport>,
    pub components: Vec<ComponentReport>,
    pub eligible_pairs: usize,
    pub seconds: f64,
    /// The greedy baseline's figures on the same instance (MILP only).
    pub baseline: Option<Figures>,
}

/// An objective stage of the lexicographic objective (docs/model.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Optional, before 1: the fairness stage first (`fairness = "first"`).
    FairnessFirst,
    /// 1. maximise Σ p(r)·|sessions(r)|·y(r).
    Coverage,
    /// Optional, after 1: maximise the smallest share of its requested sessions that any
    /// small association gets covered.
    Fairness,
    /// Stage 2, in repair mode only: minimise the assignments that differ from the rota
    /// being repaired (confirmed ones are pinned).
    Repair,
    /// 3. minimise the round-trip km: 2·km(i,v) per instructor i, venue v and day.
    Travel,
    /// 4. minimise the largest number of sessions given to one instructor.
    Balance,
}

impl Stage {
    /// The stage's number in the database: 1, 3, 4; 5 for 1b; 2 for repair.
    pub fn number(self) -> u8 {
        match self {
            Stage::Coverage => 1,
            // 2 is the repair stage (docs/model.md); fairness is stored as 5, shown as 1b.
            Stage::Fairness => 5,
            Stage::FairnessFirst => 6,
            Stage::Repair => 2,
            Stage::Travel => 3,
            Stage::Balance => 4,
        }
    }

    /// The inverse of `number`.
    pub fn from_number(n: u8) -> Option<Stage> {
        [
            Stage::FairnessFirst,
            Stage::Coverage,
            Stage::Fairness,
            Stage::Repair,
            Stage::Travel,
            Stage::Balance,
        ]
        .into_iter()
        .find(|s| s.number() == n)
    }

    /// The stage as users see it numbered ("1", "1b", "3", "4").
    pub fn label(self) -> &'static str {
        match self {
            Stage::Coverage => "1",
            Stage::Fairness => "1b",
            Stage::FairnessFirst => "0",
            Stage::Repair => "2",
            Stage::Travel => "3",
            Stage::Balance => "4",
        }
    }

    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Stage::Coverage => lang.pick("vektet dekning", "weighted coverage"),
            Stage::Fairness | Stage::FairnessFirst => lang.pick(
                "minste dekningsandel for en forening",
                "smallest share covered for an association",
            ),
            Stage::Repair => lang.pick(
                "endringer fra rotaen som repareres",
                "changes from the rota being repaired",
            ),
            Stage::Travel => lang.pick("reise, km tur-retur", "travel, round-trip km"),
            Stage::Balance => lang.pick("største belastning, økter", "largest load, sessions"),
        }
    }
}

/// How a stage ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageStatus {
    Optimal,
    /// Cut short by the time limit; the best solution found is kept.
    TimeLimit,
    /// The solver failed; the previous stage's solution is kept.
    Failed,
}

/// The solver figures of one stage (of one component, or summed over all).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StageReport {
    pub stage: Stage,
    pub status: StageStatus,
    pub objective: f64,
    /// The solver's best bound on the objective.
    pub bound: f64,
    /// Relative gap between objective and bound.
    pub gap: f64,
    pub seconds: f64,
}

/// The key figures of any rota over `ds` (used for stored rotas too).
pub fn figures(ds: &Dataset, assignments: &[Assignment]) -> Figures {
    // Per request: its sessions' dates, its priority and its venue.
    type Dated<'a> = (Vec<chrono::NaiveDate>, u8, Option<VenueId<'a>>);
    let dated: BTreeMap<&str, Dated> = ds
        .requests
        .iter()
        .map(|r| {
            let dates = r.all_sessions().into_iter().map(|s| s.date).collect();
            (r.id.as_str(), (dates, r.priority, ds.venue_id(r)))
        })
        .collect();
    let sessions: BTreeMap<&str, (usize, u8)> = dated
        .iter()
        .map(|(&r, (dates, priority, _))| (r, (dates.len(), *priority)))
        .collect();
    let covered: BTreeSet<&str> = assignments.iter().map(|a| a.request.as_str()).collect();
    let mut load: BTreeMap<&str, usize> = BTreeMap::new();
    // One round trip per instructor, venue and day: its one-way km (equal for every request
    // at the venue).
    let mut trips: BTreeMap<(&str, VenueId, chrono::NaiveDate), f64> = BTreeMap::new();
    for a in assignments {
        let n = sessions.get(a.request.as_str()).map_or(0, |s| s.0);
        *load.entry(a.instructor.as_str()).or_default() += n;
        if let Some((dates, _, Some(venue))) = dated.get(a.request.as_str()) {
            for &d in dates {
                trips.insert((a.instructor.as_str(), *venue, d), a.km);
            }
        }
    }
    let total_km = trips.values().fold(0.0, |acc, km| acc + 2.0 * km);
    let weighted = |(n, p): (usize, u8)| n as f64 * f64::from(p);
    Figures {
        requests_total: ds.requests.len(),
        requests_covered: covered.len(),
        sessions_total: sessions.values().map(|s| s.0).sum(),
        sessions_covered: covered
            .iter()
            .filter_map(|r| sessions.get(r))
            .map(|s| s.0)
            .sum(),
        // Sums start from 0.0 (an empty f64 `sum()` is −0.0, which would print as "-0").
        weighted_covered: covered
            .iter()
            .filter_map(|r| sessions.get(r))
            .fold(0.0, |acc, &s| acc + weighted(s)),
        weighted_total: sessions.values().fold(0.0, |acc, &s| acc + weighted(s)),
        instructors_used: load.len(),
        total_km,
        max_load: load.values().copied().max().unwrap_or(0),
    }
}

impl Outcome {
    /// The scenario as the independent checker needs it.
    pub fn check_scenario(&self, params: &Params) -> CheckScenario {
        CheckScenario {
            max_km: params.max_km,
            max_minutes: params.max_minutes,
            travel: params.travel,
            cluster_mode: self.cluster_mode,
            answers: params.answers.clone(),
        }
    }

    /// The rota as (request, instructor) pairs, the checker's input.
    pub fn pairs(&self) -> Vec<(String, String)> {
        self.assignments
            .iter()
            .map(|a| (a.request.clone(), a.instructor.clone()))
            .collect()
    }
}
