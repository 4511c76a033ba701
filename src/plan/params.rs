//! The parameters of a planning run: what a scenario may change.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::travel::TravelParams;

/// Which hubs may lend to a small association.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClusterMode {
    /// Only the hub named as the association's cluster.
    Fixed,
    /// Any hub within reach.
    Open,
    /// klynge chooses the clusters with the rota (`plan::clusters`), then plans as `fixed`.
    Proposed,
}

/// Which planner makes the rota.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SolverKind {
    /// The lexicographic MILP of docs/model.md, solved with HiGHS.
    #[default]
    Milp,
    /// What a coordinator does by hand: highest priority first, nearest free instructor.
    Greedy,
}

impl ClusterMode {
    /// Every mode's name, for help texts and choices.
    pub const NAMES: [&'static str; 3] = ["fixed", "open", "proposed"];
}

impl FromStr for ClusterMode {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "fixed" => Ok(ClusterMode::Fixed),
            "open" => Ok(ClusterMode::Open),
            "proposed" => Ok(ClusterMode::Proposed),
            other => Err(format!("unknown cluster mode {other}")),
        }
    }
}

impl SolverKind {
    pub const NAMES: [&'static str; 2] = ["milp", "greedy"];
}

impl FromStr for SolverKind {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "milp" => Ok(SolverKind::Milp),
            "greedy" => Ok(SolverKind::Greedy),
            other => Err(format!("unknown solver {other}")),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Params {
    /// Scenario-wide one-way travel limit in km (on top of each instructor's own).
    pub max_km: Option<f64>,
    /// Scenario-wide one-way travel limit in minutes (on top of each instructor's own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_minutes: Option<u32>,
    pub travel: TravelParams,
    /// `None`: `fixed` when any association names a cluster, `open` otherwise.
    pub cluster_mode: Option<ClusterMode>,
    /// Wall-clock limit for the whole solve, in seconds.
    pub time_limit_s: f64,
    /// Relative MIP gap at which a stage counts as solved.
    pub mip_rel_gap: f64,
    /// Components solved at once.
    pub threads: usize,
    /// Travel reimbursement in NOK per km, for comparisons (`None`: not priced).
    #[serde(default)]
    pub nok_per_km: Option<f64>,
    /// The fairness stage: maximise the smallest share of its requested sessions that any
    /// association gets covered — after stage 1 (before travel), or before stage 1.
    #[serde(default)]
    pub fairness: Fairness,
    /// Repair mode (stage 2): the rota being repaired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repair: Option<Repair>,
    /// Instructors' answers, law in every plan: accepted pairs are pinned, declined pairs
    /// never come back.
    #[serde(default, skip_serializing_if = "Answers::is_empty")]
    pub answers: Answers,
    /// Training advice: which instructors could learn which topic, and how many
    /// trainings there are (`app::advise`; docs/model.md §10b).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trainings: Option<Trainings>,
}

/// Where the fairness stage goes, if anywhere. Written `false`, `true` (after coverage) or
/// `"first"` (before it) in scenario files and stored parameters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Fairness {
    #[default]
    Off,
    /// Stage 1b: a tie-break among the rotas of maximal coverage.
    After,
    /// Stage 0: the smallest share first, then coverage.
    First,
}

impl Fairness {
    pub fn is_on(self) -> bool {
        self != Fairness::Off
    }

    /// `off`, `after`/`true`, `first`; anything else is `None`.
    pub fn parse(v: &str) -> Option<Fairness> {
        match v.trim().to_lowercase().as_str() {
            "off" | "false" | "no" | "nei" => Some(Fairness::Off),
            "after" | "true" | "yes" | "ja" | "etter" => Some(Fairness::After),
            "first" | "først" => Some(Fairness::First),
            _ => None,
        }
    }
}

impl Serialize for Fairness {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Fairness::Off => s.serialize_bool(false),
            Fairness::After => s.serialize_bool(true),
            Fairness::First => s.serialize_str("first"),
        }
    }
}

impl<'de> Deserialize<'de> for Fairness {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Bool(bool),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Bool(false) => Ok(Fairness::Off),
            Raw::Bool(true) => Ok(Fairness::After),
            Raw::Text(t) => Fairness::parse(&t).ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "fairness must be false, true or \"first\", not \"{t}\""
                ))
            }),
        }
    }
}

/// Candidate trainings for the advice: (instructor id, skill) pairs whose skill the
/// dataset already lists for the instructor, each usable only if chosen, at most `budget`
/// chosen.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Trainings {
    pub budget: usize,
    pub candidates: Vec<(String, Skill)>,
}

/// What a training teaches: a topic, or teaching in a language.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Skill {
    Topic(String),
    Language(String),
}

impl Skill {
    /// Whether request `r` needs this skill.
    pub fn needed_by(&self, r: &crate::model::Request) -> bool {
        match self {
            Skill::Topic(t) => *t == r.topic,
            Skill::Language(l) => r.languages().contains(&l.as_str()),
        }
    }
}

impl Trainings {
    /// The candidates (by index) that instructor `instructor` needs for request `r`: every
    /// one must be chosen for the pair to be usable.
    pub fn needed<'a>(
        &'a self,
        instructor: &'a str,
        r: &'a crate::model::Request,
    ) -> impl Iterator<Item = usize> + 'a {
        self.candidates
            .iter()
            .enumerate()
            .filter(move |(_, (i, skill))| i == instructor && skill.needed_by(r))
            .map(|(k, _)| k)
    }
}

/// Instructors' answers, as (request id, instructor id) pairs. They belong to the pair,
/// not to a run, so they carry over into every later plan and repair.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Answers {
    #[serde(default)]
    pub accepted: Vec<(String, String)>,
    #[serde(default)]
    pub declined: Vec<(String, String)>,
}

impl Answers {
    pub fn is_empty(&self) -> bool {
        self.accepted.is_empty() && self.declined.is_empty()
    }

    /// From (request, instructor) → `accepted` / `declined`.
    pub fn from_map(answers: &std::collections::BTreeMap<(String, String), String>) -> Answers {
        let with = |word: &str| -> Vec<(String, String)> {
            answers
                .iter()
                .filter(|(_, a)| a.as_str() == word)
                .map(|(k, _)| k.clone())
                .collect()
        };
        Answers {
            accepted: with("accepted"),
            declined: with("declined"),
        }
    }

    pub fn is_declined(&self, request: &str, instructor: &str) -> bool {
        self.declined
            .iter()
            .any(|(r, i)| r == request && i == instructor)
    }

    pub fn is_accepted(&self, request: &str, instructor: &str) -> bool {
        self.accepted
            .iter()
            .any(|(r, i)| r == request && i == instructor)
    }
}

/// What stage 2 needs: the rota being repaired, as who held what. (What is pinned and
/// what may not come back are the answers, `Params::answers`.)
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Repair {
    pub reference: Vec<super::outcome::Held>,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            max_km: None,
            max_minutes: None,
            travel: TravelParams::default(),
            cluster_mode: None,
            time_limit_s: 60.0,
            mip_rel_gap: 1e-4,
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            nok_per_km: None,
            fairness: Fairness::Off,
            repair: None,
            answers: Answers::default(),
            trainings: None,
        }
    }
}
