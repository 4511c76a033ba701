//! What planning produces: the rota, what stays uncovered and why, the key figures, and
//! the solver's report per stage. Plain data: the store, the comparisons and every output
//! format read these types, and none of them needs to know how the MILP is built.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::checker::CheckScenario;
use super::explain::Reason;
use super::params::{ClusterMode, Params, SolverKind};
use crate::i18n::Lang;
use crate::model::{Dataset, Format, VenueId};

/// One instructor on one part of a request: all of a course, or one session of a drop-in
/// or of one-to-one guidance (docs/model.md §3).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    pub request: String,
    /// The session's position (0-based) for a drop-in or one-to-one guidance; none for a
    /// course.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<u32>,
    pub instructor: String,
    /// One-way travel.
    pub km: f64,
    pub minutes: u32,
}

/// Who holds what, as the checker and repair see a rota: an instructor on a part of a
/// request. Written as `[request, instructor]` for a course (as before parts existed) and
/// `[request, part, instructor]` for a part.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(from = "HeldForm", into = "HeldForm")]
pub struct Held {
    pub request: String,
    pub part: Option<u32>,
    pub instructor: String,
}

#[derive(Clone, Serialize, Deserialize)]
#[serde(untagged)]
enum HeldForm {
    Course(String, String),
    Part(String, u32, String),
}

impl From<HeldForm> for Held {
    fn from(f: HeldForm) -> Held {
        match f {
            HeldForm::Course(request, instructor) => Held::new(request, None, instructor),
            HeldForm::Part(request, part, instructor) => Held::new(request, Some(part), instructor),
        }
    }
}

impl From<Held> for HeldForm {
    fn from(h: Held) -> HeldForm {
        match h.part {
            None => HeldForm::Course(h.request, h.instructor),
            Some(k) => HeldForm::Part(h.request, k, h.instructor),
        }
    }
}

impl Held {
    pub fn new(
        request: impl Into<String>,
        part: Option<u32>,
        instructor: impl Into<String>,
    ) -> Held {
        Held {
            request: request.into(),
            part,
            instructor: instructor.into(),
        }
    }

    /// An instructor on a whole course.
    pub fn course(request: impl Into<String>, instructor: impl Into<String>) -> Held {
        Held::new(request, None, instructor)
    }
}

impl From<&Assignment> for Held {
    fn from(a: &Assignment) -> Held {
        Held::new(a.request.clone(), a.part, a.instructor.clone())
    }
}

/// A request (or one part of it) left uncovered, with the reasons.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Uncovered {
    pub request: String,
    /// The uncovered session's position, for a drop-in or one-to-one guidance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<u32>,
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

/// The key figures of any rota over `ds` (used for stored rotas too). A part is staffed
/// when someone holds it; it is worth p·n per part staffed (a course, a drop-in session)
/// or p·slots per desk staffed (one-to-one guidance, docs/model.md §3). A request is
/// covered when every part of it is staffed.
pub fn figures(ds: &Dataset, assignments: &[Assignment]) -> Figures {
    let by_id: BTreeMap<&str, &crate::model::Request> =
        ds.requests.iter().map(|r| (r.id.as_str(), r)).collect();
    // Instructors per part held.
    let mut staffed: BTreeMap<(&str, Option<u32>), usize> = BTreeMap::new();
    let mut load: BTreeMap<&str, usize> = BTreeMap::new();
    // One round trip per instructor, venue and day: its one-way km (equal for every request
    // at the venue).
    let mut trips: BTreeMap<(&str, VenueId, chrono::NaiveDate), f64> = BTreeMap::new();
    for a in assignments {
        let Some(r) = by_id.get(a.request.as_str()) else {
            continue;
        };
        *staffed.entry((a.request.as_str(), a.part)).or_default() += 1;
        let sessions = r.part_sessions(a.part);
        *load.entry(a.instructor.as_str()).or_default() += sessions.len();
        if let Some(venue) = ds.venue_id(r) {
            for s in &sessions {
                trips.insert((a.instructor.as_str(), venue, s.date), a.km);
            }
        }
    }
    let total_km = trips.values().fold(0.0, |acc, km| acc + 2.0 * km);
    // Sums start from 0.0 (an empty f64 `sum()` is −0.0, which would print as "-0").
    let mut f = Figures {
        requests_total: ds.requests.len(),
        instructors_used: load.len(),
        total_km,
        max_load: load.values().copied().max().unwrap_or(0),
        ..Figures::default()
    };
    for r in &ds.requests {
        let mut all = true;
        for part in r.parts() {
            let (worth, _) = r.worth(&part);
            let n = part.sessions.len();
            let held = staffed
                .get(&(r.id.as_str(), part.index))
                .copied()
                .unwrap_or(0);
            let units = match r.format {
                Format::OneToOne => {
                    f.weighted_total += worth * f64::from(r.staff_per_part());
                    held.min(r.staff_per_part() as usize)
                }
                _ => {
                    f.weighted_total += worth;
                    usize::from(held > 0)
                }
            };
            f.sessions_total += n;
            if units > 0 {
                f.sessions_covered += n;
                f.weighted_covered += worth * units as f64;
            } else {
                all = false;
            }
        }
        f.requests_covered += usize::from(all);
    }
    f
}

/// A request as people read it: its id, and which session for a part ("r40, økt 3").
pub fn part_label(request: &str, part: Option<u32>, lang: Lang) -> String {
    match part {
        None => request.to_owned(),
        Some(k) => format!("{request}, {} {}", lang.pick("økt", "session"), k + 1),
    }
}

impl Uncovered {
    pub fn label(&self, lang: Lang) -> String {
        part_label(&self.request, self.part, lang)
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

    /// The rota as who holds what, the checker's input.
    pub fn pairs(&self) -> Vec<Held> {
        self.assignments.iter().map(Held::from).collect()
    }
}
