//! A dataset prepared for planning: sessions expanded, locations resolved, indices built.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use chrono::Datelike;

use crate::model::{AssociationKind, Dataset, LatLon, Session};
use crate::travel::TravelModel;

use super::params::{ClusterMode, Params};

/// Minutes since 0001-01-01 00:00 local time: one line for all dates, so that intervals on
/// different days compare directly.
pub fn absolute_minute(date: chrono::NaiveDate, minute_of_day: i64) -> i64 {
    i64::from(date.num_days_from_ce()) * 1440 + minute_of_day
}

/// An ISO week as one comparable number (year × 100 + week).
pub fn iso_week(date: chrono::NaiveDate) -> u32 {
    let w = date.iso_week();
    (w.year() as u32) * 100 + w.week()
}

/// Each record's position by its id.
fn index_by_id<T>(records: &[T], id: impl Fn(&T) -> &String) -> HashMap<&str, usize> {
    records
        .iter()
        .enumerate()
        .map(|(k, x)| (id(x).as_str(), k))
        .collect()
}

/// Numbers the distinct points of `points` (−0° and 0° are one point): each point's
/// number, and how many there are.
fn number_points(points: &[LatLon]) -> (Vec<usize>, usize) {
    let mut ids: HashMap<(u64, u64), usize> = HashMap::new();
    let numbers = points
        .iter()
        .map(|p| {
            let next = ids.len();
            *ids.entry(((p.lat + 0.0).to_bits(), (p.lon + 0.0).to_bits()))
                .or_insert(next)
        })
        .collect();
    (numbers, ids.len())
}

/// What the planner staffs: one part of a request (docs/model.md §3) — a whole course, or
/// one session of a drop-in or of one-to-one guidance. Everywhere in `plan`, an index `r`
/// is an index into `Instance::units`.
#[derive(Clone, Debug)]
pub struct Unit {
    /// The request, by index into `ds.requests`.
    pub request: usize,
    /// `None` for a course; the session's position for the other formats.
    pub part: Option<u32>,
    /// y(r)'s upper bound: 1, or the desks of a one-to-one block.
    pub most: u32,
    /// Instructors per unit of y: k(r), or 1 for a one-to-one desk.
    pub staff: u32,
    /// The languages its staff must cover between them (a drop-in with several).
    pub cover: Vec<String>,
    /// The amount a unit of y stands for in the fairness share (sessions, or slots).
    pub amount: f64,
}

pub struct Instance<'a> {
    pub ds: &'a Dataset,
    pub params: Params,
    pub cluster_mode: ClusterMode,
    pub travel: TravelModel,
    /// The units planned, request by request in data order.
    pub units: Vec<Unit>,
    /// Sessions of each unit, in time order.
    pub sessions: Vec<Vec<Session>>,
    /// Weighted demand of one unit of y(r): p(r)·n(r) for a course, p for a drop-in
    /// session, p·slots for a one-to-one desk.
    pub weight: Vec<f64>,
    pub homes: Vec<LatLon>,
    pub venues: Vec<LatLon>,
    /// Travel between two points depends on the points alone (where no table row
    /// applies): each instructor's home and each unit's venue as a numbered point, and the
    /// travel of each pair of points computed once, when first asked for.
    home_point: Vec<usize>,
    venue_point: Vec<usize>,
    venue_points: usize,
    between: Vec<OnceLock<crate::travel::Travel>>,
    /// The answers by (index into `ds.requests`, instructor index): asked of every pair.
    accepted: HashSet<(usize, usize)>,
    declined: HashSet<(usize, usize)>,
    /// The venue of each unit as a number: requests of one association at one point
    /// share it, and with it their travel (docs/model.md §3).
    pub venue: Vec<usize>,
    pub association_index: HashMap<&'a str, usize>,
    pub instructor_index: HashMap<&'a str, usize>,
    /// The units of each request id, in session order.
    pub request_index: HashMap<&'a str, Vec<usize>>,
}

impl<'a> Instance<'a> {
    /// Prepares a validated dataset. Panics only on a dataset that did not pass validation
    /// (an instructor whose hub does not exist), which the readers never return.
    pub fn new(ds: &'a Dataset, params: Params) -> Self {
        // `proposed` chooses the clusters with the rota (`plan::resolve_clusters`, which
        // then plans again as `fixed` in the layout chosen).
        let cluster_mode = params.cluster_mode.unwrap_or_else(|| {
            if ds
                .associations
                .iter()
                .any(|a| a.kind == AssociationKind::Small && a.cluster.is_some())
            {
                ClusterMode::Fixed
            } else {
                ClusterMode::Open
            }
        });
        let mut units = Vec::new();
        let mut sessions: Vec<Vec<Session>> = Vec::new();
        let mut weight = Vec::new();
        for (k, r) in ds.requests.iter().enumerate() {
            let cover: Vec<String> = match r.languages().as_slice() {
                [_] | [] => Vec::new(),
                many => many.iter().map(|l| l.to_string()).collect(),
            };
            for part in r.parts() {
                let (worth, amount) = r.worth(&part);
                units.push(Unit {
                    request: k,
                    part: part.index,
                    most: if r.format == crate::model::Format::OneToOne {
                        r.staff_per_part()
                    } else {
                        1
                    },
                    staff: if r.format == crate::model::Format::OneToOne {
                        1
                    } else {
                        r.instructors_needed
                    },
                    cover: cover.clone(),
                    amount,
                });
                sessions.push(part.sessions);
                weight.push(worth);
            }
        }
        let homes: Vec<LatLon> = ds
            .instructors
            .iter()
            .map(|i| ds.home_of(i).expect("validated: instructor's hub exists"))
            .collect();
        let venues: Vec<LatLon> = units
            .iter()
            .map(|u| {
                ds.venue_of(&ds.requests[u.request])
                    .expect("validated: request's association exists")
            })
            .collect();
        let mut ids: HashMap<crate::model::VenueId, usize> = HashMap::new();
        let venue = units
            .iter()
            .map(|u| {
                let id = ds
                    .venue_id(&ds.requests[u.request])
                    .expect("validated: request's association exists");
                let next = ids.len();
                *ids.entry(id).or_insert(next)
            })
            .collect();
        let (home_point, home_points) = number_points(&homes);
        let (venue_point, venue_points) = number_points(&venues);
        // At most 2 million pairs of points (48 MB); beyond that, computed every time.
        let cells = home_points.saturating_mul(venue_points);
        let between = std::iter::repeat_with(OnceLock::new)
            .take(if cells <= 2_000_000 { cells } else { 0 })
            .collect();
        let instructor_index = index_by_id(&ds.instructors, |i| &i.id);
        let by_id = index_by_id(&ds.requests, |r| &r.id);
        let answer_set = |pairs: &[(String, String)]| -> HashSet<(usize, usize)> {
            pairs
                .iter()
                .filter_map(|(r, i)| {
                    Some((*by_id.get(r.as_str())?, *instructor_index.get(i.as_str())?))
                })
                .collect()
        };
        let accepted = answer_set(&params.answers.accepted);
        let declined = answer_set(&params.answers.declined);
        let mut request_index: HashMap<&str, Vec<usize>> = HashMap::new();
        for (k, u) in units.iter().enumerate() {
            request_index
                .entry(ds.requests[u.request].id.as_str())
                .or_default()
                .push(k);
        }
        Instance {
            ds,
            venue,
            travel: TravelModel::for_dataset(params.travel, ds),
            params,
            cluster_mode,
            sessions,
            weight,
            homes,
            venues,
            home_point,
            venue_point,
            venue_points,
            between,
            accepted,
            declined,
            association_index: index_by_id(&ds.associations, |a| &a.id),
            instructor_index,
            request_index,
            units,
        }
    }

    pub fn n_instructors(&self) -> usize {
        self.ds.instructors.len()
    }

    /// The number of units planned.
    pub fn n_requests(&self) -> usize {
        self.units.len()
    }

    /// The unit of `part` of the request with id `request` (`None` for a course's one).
    pub fn unit_of(&self, request: &str, part: Option<u32>) -> Option<usize> {
        self.request_index
            .get(request)?
            .iter()
            .copied()
            .find(|&u| self.units[u].part == part)
    }

    /// The request of unit r.
    pub fn request(&self, r: usize) -> &'a crate::model::Request {
        &self.ds.requests[self.units[r].request]
    }

    /// Total number of sessions over all requests.
    pub fn total_sessions(&self) -> usize {
        self.sessions.iter().map(Vec::len).sum()
    }

    /// One-way travel from instructor i's home to request r's venue (whatever the rules
    /// say): the one place the planner asks the travel model.
    pub fn travel_of(&self, i: usize, r: usize) -> crate::travel::Travel {
        let ins = &self.ds.instructors[i];
        if let Some(t) =
            self.travel
                .table_row(&ins.id, &ins.association, &self.request(r).association)
        {
            return t;
        }
        let compute = || self.travel.between(self.homes[i], self.venues[r]);
        match self
            .between
            .get(self.home_point[i] * self.venue_points + self.venue_point[r])
        {
            Some(cell) => *cell.get_or_init(compute),
            None => compute(),
        }
    }

    /// Whether instructor `i` has said yes to unit r's request.
    pub fn is_accepted(&self, i: usize, r: usize) -> bool {
        self.accepted.contains(&(self.units[r].request, i))
    }

    /// Whether instructor `i` has said no to unit r's request.
    pub fn is_declined(&self, i: usize, r: usize) -> bool {
        self.declined.contains(&(self.units[r].request, i))
    }

    /// The association (index) that request r belongs to.
    pub fn requester(&self, r: usize) -> usize {
        self.association_index[self.request(r).association.as_str()]
    }

    /// The hub (association index) of instructor i.
    pub fn hub_of(&self, i: usize) -> usize {
        self.association_index[self.ds.instructors[i].association.as_str()]
    }

    /// The hub (association index) and cap that instructor i covering request r counts
    /// against: in `open` mode, when i's hub has a `lend_cap_sessions` and r's association
    /// is outside its cluster (docs/model.md, constraint 4).
    pub fn capped_lending(&self, i: usize, r: usize) -> Option<(usize, u32)> {
        // Only `open` mode lends outside a cluster; while `proposed` clusters are chosen,
        // every hub helps only in its own.
        if self.cluster_mode != ClusterMode::Open {
            return None;
        }
        let h = self.hub_of(i);
        let cap = self.ds.associations[h].lend_cap_sessions?;
        let hub = self.ds.associations[h].id.as_str();
        (self.ds.associations[self.requester(r)].cluster.as_deref() != Some(hub))
            .then_some((h, cap))
    }
}
