//! Scenario files: a dataset plus what a planner wants to try differently ("what if the
//! travel limit were 40 km?", "what if these two instructors stopped?").
//!
//! A scenario is a small TOML file. Paths in it are relative to the file itself, so a
//! scenario folder can live beside its dataset:
//!
//! ```toml
//! name = "km40"                     # default: the file's name without .toml
//! description = "Travel limit 40 km"
//! dataset = ".."                    # a dataset folder or .json file
//! max_km = 40.0                     # scenario-wide one-way limit
//! max_minutes = 45                  # scenario-wide one-way limit in minutes
//! detour_factor = 1.3
//! speed_kmh = 60.0
//! cluster_mode = "fixed"            # fixed | open
//! time_limit = 60.0                 # seconds
//! nok_per_km = 3.5                  # travel reimbursement rate, for `compare`
//! fairness = true                   # after coverage, lift the worst-served association;
//!                                   #   "first": before coverage (what does it cost?)
//! remove_instructors = ["i03"]
//! drop_requests = ["r05"]
//! term_start = "2027-01-11"         # sessions outside the term are dropped
//! term_end = "2027-04-02"
//!
//! [[add_hubs]]                      # as in associations.csv
//! id = "orkdal"
//! name = "Seniornett Orkdal"
//! kind = "hub"
//! lat = 63.30
//! lon = 9.85
//!
//! [[add_instructors]]               # as in instructors.csv, slots nested
//! id = "o1"
//! name = "Ola Orkdal"
//! association = "orkdal"
//! topics = ["smarttelefon"]
//! languages = ["nb"]
//! max_km = 60.0
//! max_sessions_per_week = 2
//! availability = [{ weekday = "tue", start = "09:00", end = "15:00" }]
//!
//! [[add_associations]]              # a planned small association, as in associations.csv
//! id = "namsos"                     # (kind defaults to "small"; hubs go in add_hubs)
//! name = "Seniornett Namsos (planlagt)"
//! lat = 64.4662
//! lon = 11.4957
//! municipality = "Namsos"
//! cluster = "trondheim"
//!
//! [[add_requests]]                  # as in requests.csv: a series …
//! id = "n1"
//! association = "namsos"
//! topic = "smarttelefon"
//! language = "nb"
//! instructors_needed = 1
//! priority = 4                      # 1 … 5, default 3
//! first_date = "2027-01-12"
//! start = "10:00"
//! end = "12:00"
//! count = 6
//! interval_days = 7
//!
//! [[add_requests]]                  # … or sessions one by one, nested
//! id = "n2"
//! association = "namsos"
//! topic = "bankid"
//! language = "nb"
//! instructors_needed = 1
//! sessions = [{ date = "2027-02-03", start = "10:00", end = "12:00" }]
//! ```
//!
//! Added records are placed in the dataset before it is validated again, each with the
//! scenario file and its place in it as origin (`planned.toml add_requests[2]`), so that a
//! problem with one of them is reported there.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Deserialize;

use crate::model::{
    Association, AssociationKind, Dataset, Hm, Instructor, Origin, Problem, ProblemKind, Problems,
    Request, Series, Session, validate,
};
use crate::plan::{ClusterMode, Params};

/// A scenario file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioFile {
    name: Option<String>,
    description: Option<String>,
    dataset: PathBuf,
    max_km: Option<f64>,
    max_minutes: Option<u32>,
    detour_factor: Option<f64>,
    speed_kmh: Option<f64>,
    cluster_mode: Option<ClusterMode>,
    time_limit: Option<f64>,
    gap: Option<f64>,
    nok_per_km: Option<f64>,
    #[serde(default)]
    fairness: crate::plan::Fairness,
    #[serde(default)]
    remove_instructors: Vec<String>,
    #[serde(default)]
    drop_requests: Vec<String>,
    term_start: Option<NaiveDate>,
    term_end: Option<NaiveDate>,
    #[serde(default)]
    add_hubs: Vec<Association>,
    #[serde(default)]
    add_instructors: Vec<Instructor>,
    #[serde(default)]
    add_associations: Vec<PlannedAssociation>,
    #[serde(default)]
    add_requests: Vec<PlannedRequest>,
}

/// A planned small association: the columns of associations.csv. Unknown fields are
/// refused, so that a misspelt `cluster` does not silently leave it without a hub.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlannedAssociation {
    id: String,
    name: String,
    /// Only `small`: a planned hub goes in `add_hubs`.
    kind: Option<AssociationKind>,
    lat: f64,
    lon: f64,
    #[serde(default)]
    municipality: String,
    opt_in: Option<bool>,
    cluster: Option<String>,
    email: Option<String>,
    lang: Option<String>,
}

/// A planned request: the columns of requests.csv, with its sessions (sessions.csv)
/// nested as `sessions = [{ date, start, end }]` when it has no series.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlannedRequest {
    id: String,
    association: String,
    topic: String,
    language: String,
    instructors_needed: u32,
    /// 1 = low … 5 = high; the middle when not given.
    #[serde(default = "middle_priority")]
    priority: u8,
    first_date: Option<NaiveDate>,
    start: Option<Hm>,
    end: Option<Hm>,
    count: Option<u32>,
    interval_days: Option<u32>,
    #[serde(default)]
    sessions: Vec<PlannedSession>,
    venue_lat: Option<f64>,
    venue_lon: Option<f64>,
    /// `course` (the default), `drop_in` or `one_to_one`, as in requests.csv.
    #[serde(default)]
    format: crate::model::Format,
    slot_minutes: Option<u32>,
    desks: Option<u32>,
}

fn middle_priority() -> u8 {
    3
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlannedSession {
    date: NaiveDate,
    start: Hm,
    end: Hm,
}

impl PlannedAssociation {
    fn to_association(&self, origin: Origin) -> Association {
        Association {
            id: self.id.clone(),
            name: self.name.clone(),
            kind: AssociationKind::Small,
            lat: self.lat,
            lon: self.lon,
            municipality: self.municipality.clone(),
            opt_in: self.opt_in.unwrap_or(true),
            cluster: self.cluster.clone(),
            lends: true,
            lend_cap_sessions: None,
            email: self.email.clone(),
            lang: self.lang.clone(),
            origin,
        }
    }
}

impl PlannedRequest {
    /// The request as the dataset holds it, or the problems of its series: the five series
    /// fields are given all together or not at all (as in requests.csv), and the first
    /// missing one is named.
    fn to_request(&self, origin: Origin) -> Result<Request, Problem> {
        let given = [
            self.first_date.is_some(),
            self.start.is_some(),
            self.end.is_some(),
            self.count.is_some(),
            self.interval_days.is_some(),
        ];
        let series = match (
            self.first_date,
            self.start,
            self.end,
            self.count,
            self.interval_days,
        ) {
            (Some(first_date), Some(start), Some(end), Some(count), Some(interval_days)) => {
                Some(Series {
                    first_date,
                    start,
                    end,
                    count,
                    interval_days,
                })
            }
            _ if given.iter().any(|g| *g) => {
                let names = ["first_date", "start", "end", "count", "interval_days"];
                let missing = given
                    .iter()
                    .position(|g| !g)
                    .map_or("first_date", |k| names[k]);
                return Err(Problem::at(
                    &origin,
                    Some(missing),
                    ProblemKind::IncompleteSeries,
                ));
            }
            _ => None,
        };
        Ok(Request {
            id: self.id.clone(),
            association: self.association.clone(),
            // Matched in lower case, as the CSV reader does.
            topic: self.topic.trim().to_lowercase(),
            language: self.language.trim().to_lowercase(),
            instructors_needed: self.instructors_needed,
            format: self.format,
            slot_minutes: self.slot_minutes,
            desks: self.desks,
            priority: self.priority,
            series,
            sessions: self
                .sessions
                .iter()
                .map(|s| Session {
                    date: s.date,
                    start: s.start,
                    end: s.end,
                    origin: origin.clone(),
                })
                .collect(),
            venue_lat: self.venue_lat,
            venue_lon: self.venue_lon,
            origin,
        })
    }
}

/// A scenario ready to plan.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub name: String,
    pub description: Option<String>,
    pub file: PathBuf,
    pub dataset: PathBuf,
    pub params: Params,
    remove_instructors: Vec<String>,
    drop_requests: Vec<String>,
    term: (Option<NaiveDate>, Option<NaiveDate>),
    add_hubs: Vec<Association>,
    add_instructors: Vec<Instructor>,
    add_associations: Vec<PlannedAssociation>,
    add_requests: Vec<PlannedRequest>,
}

impl Scenario {
    /// Reads a scenario file; errors name the file, line and what was expected.
    pub fn load(path: &Path) -> Result<Scenario, Problems> {
        let file = path.display().to_string();
        let origin = Origin::new(file.clone(), None);
        let text = std::fs::read_to_string(path).map_err(|e| {
            Problems(vec![Problem::at(
                &origin,
                None,
                ProblemKind::Unreadable(e.to_string()),
            )])
        })?;
        let raw: ScenarioFile = toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|s| 1 + text[..s.start].matches('\n').count() as u64);
            Problems(vec![Problem {
                file: file.clone(),
                line,
                column: None,
                kind: ProblemKind::Unreadable(e.message().to_owned()),
            }])
        })?;
        let mut problems = Vec::new();
        let positive = |v: Option<f64>, col: &str, min: f64, problems: &mut Vec<Problem>| {
            if let Some(x) = v
                && !(x.is_finite() && x >= min)
            {
                problems.push(Problem::at(
                    &origin,
                    Some(col),
                    ProblemKind::OutOfRange {
                        value: x.to_string(),
                        expected: format!("≥ {min}"),
                    },
                ));
            }
        };
        positive(raw.max_km, "max_km", 0.0, &mut problems);
        positive(raw.detour_factor, "detour_factor", 1.0, &mut problems);
        positive(raw.speed_kmh, "speed_kmh", 1.0, &mut problems);
        positive(raw.time_limit, "time_limit", 0.1, &mut problems);
        positive(raw.gap, "gap", 0.0, &mut problems);
        positive(raw.nok_per_km, "nok_per_km", 0.0, &mut problems);
        if let (Some(a), Some(b)) = (raw.term_start, raw.term_end)
            && b < a
        {
            problems.push(Problem::at(
                &origin,
                Some("term_end"),
                ProblemKind::EndNotAfterStart {
                    start: a.to_string(),
                    end: b.to_string(),
                },
            ));
        }
        if !problems.is_empty() {
            return Err(Problems(problems));
        }
        let base = path.parent().unwrap_or(Path::new("."));
        let defaults = Params::default();
        let params = Params {
            max_km: raw.max_km,
            max_minutes: raw.max_minutes,
            travel: crate::travel::TravelParams {
                detour_factor: raw.detour_factor.unwrap_or(defaults.travel.detour_factor),
                speed_kmh: raw.speed_kmh.unwrap_or(defaults.travel.speed_kmh),
            },
            cluster_mode: raw.cluster_mode,
            time_limit_s: raw.time_limit.unwrap_or(defaults.time_limit_s),
            mip_rel_gap: raw.gap.unwrap_or(defaults.mip_rel_gap),
            nok_per_km: raw.nok_per_km,
            fairness: raw.fairness,
            ..defaults
        };
        Ok(Scenario {
            name: raw.name.unwrap_or_else(|| {
                path.file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "scenario".into())
            }),
            description: raw.description,
            file: path.to_owned(),
            dataset: base.join(raw.dataset),
            params,
            remove_instructors: raw.remove_instructors,
            drop_requests: raw.drop_requests,
            term: (raw.term_start, raw.term_end),
            add_hubs: raw.add_hubs,
            add_instructors: raw.add_instructors,
            add_associations: raw.add_associations,
            add_requests: raw.add_requests,
        })
    }

    /// Applies the scenario's edits to its dataset. Ids that the dataset does not know are
    /// problems (a typo must not silently change nothing), and the edited dataset is
    /// validated again (an added instructor must belong to a hub, and so on).
    pub fn apply(&self, mut ds: Dataset) -> Result<Dataset, Problems> {
        let origin = Origin::new(self.file.display().to_string(), None);
        let at = |list: &str, k: usize| Origin::new(format!("{} {list}[{k}]", origin.file), None);
        for (k, h) in self.add_hubs.iter().enumerate() {
            let mut h = h.clone();
            h.origin = at("add_hubs", k);
            ds.associations.push(h);
        }
        for (k, i) in self.add_instructors.iter().enumerate() {
            let mut i = i.clone();
            i.origin = at("add_instructors", k);
            ds.instructors.push(i);
        }
        let mut problems = Vec::new();
        for (k, a) in self.add_associations.iter().enumerate() {
            if a.kind == Some(AssociationKind::Hub) {
                problems.push(Problem::at(
                    &at("add_associations", k),
                    Some("kind"),
                    ProblemKind::OutOfRange {
                        value: "hub".into(),
                        expected: "small (a hub goes in [[add_hubs]])".into(),
                    },
                ));
            }
            ds.associations
                .push(a.to_association(at("add_associations", k)));
        }
        for (k, r) in self.add_requests.iter().enumerate() {
            match r.to_request(at("add_requests", k)) {
                Ok(r) => ds.requests.push(r),
                Err(p) => problems.push(p),
            }
        }
        for id in &self.remove_instructors {
            if !ds.instructors.iter().any(|i| &i.id == id) {
                problems.push(Problem::at(
                    &origin,
                    Some("remove_instructors"),
                    ProblemKind::UnknownInstructor(id.clone()),
                ));
            }
        }
        for id in &self.drop_requests {
            if !ds.requests.iter().any(|r| &r.id == id) {
                problems.push(Problem::at(
                    &origin,
                    Some("drop_requests"),
                    ProblemKind::UnknownRequest(id.clone()),
                ));
            }
        }
        if !problems.is_empty() {
            return Err(Problems(problems));
        }
        ds.instructors
            .retain(|i| !self.remove_instructors.contains(&i.id));
        ds.travel
            .retain(|t| !self.remove_instructors.contains(&t.from));
        ds.requests.retain(|r| !self.drop_requests.contains(&r.id));
        if let (None, None) = self.term {
        } else {
            let (from, to) = self.term;
            let inside = |d: NaiveDate| from.is_none_or(|f| d >= f) && to.is_none_or(|t| d <= t);
            for r in &mut ds.requests {
                let sessions: Vec<_> = r
                    .all_sessions()
                    .into_iter()
                    .filter(|s| inside(s.date))
                    .collect();
                r.series = None;
                r.sessions = sessions;
            }
            ds.requests.retain(|r| !r.sessions.is_empty());
        }
        let problems = validate(&ds);
        if problems.is_empty() {
            Ok(ds)
        } else {
            Err(Problems(problems))
        }
    }
}
