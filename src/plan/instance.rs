//! A dataset prepared for planning: sessions expanded, locations resolved, indices built.

use std::collections::HashMap;

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

pub struct Instance<'a> {
    pub ds: &'a Dataset,
    pub params: Params,
    pub cluster_mode: ClusterMode,
    pub travel: TravelModel,
    /// Sessions of each request (by index into `ds.requests`), in time order.
    pub sessions: Vec<Vec<Session>>,
    /// Weighted demand of each request: p(r) · |sessions(r)|.
    pub weight: Vec<f64>,
    pub homes: Vec<LatLon>,
    pub venues: Vec<LatLon>,
    /// The venue of each request as a number: requests of one association at one point
    /// share it, and with it their travel (docs/model.md §3).
    pub venue: Vec<usize>,
    pub association_index: HashMap<&'a str, usize>,
    pub instructor_index: HashMap<&'a str, usize>,
    pub request_index: HashMap<&'a str, usize>,
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
        let sessions: Vec<Vec<Session>> = ds.requests.iter().map(|r| r.all_sessions()).collect();
        let weight = ds
            .requests
            .iter()
            .zip(&sessions)
            .map(|(r, s)| f64::from(r.priority) * s.len() as f64)
            .collect();
        let homes = ds
            .instructors
            .iter()
            .map(|i| ds.home_of(i).expect("validated: instructor's hub exists"))
            .collect();
        let venues = ds
            .requests
            .iter()
            .map(|r| {
                ds.venue_of(r)
                    .expect("validated: request's association exists")
            })
            .collect();
        let mut ids: HashMap<crate::model::VenueId, usize> = HashMap::new();
        let venue = ds
            .requests
            .iter()
            .map(|r| {
                let id = ds
                    .venue_id(r)
                    .expect("validated: request's association exists");
                let next = ids.len();
                *ids.entry(id).or_insert(next)
            })
            .collect();
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
            association_index: ds
                .associations
                .iter()
                .enumerate()
                .map(|(k, a)| (a.id.as_str(), k))
                .collect(),
            instructor_index: ds
                .instructors
                .iter()
                .enumerate()
                .map(|(k, i)| (i.id.as_str(), k))
                .collect(),
            request_index: ds
                .requests
                .iter()
                .enumerate()
                .map(|(k, r)| (r.id.as_str(), k))
                .collect(),
        }
    }

    pub fn n_instructors(&self) -> usize {
        self.ds.instructors.len()
    }

    pub fn n_requests(&self) -> usize {
        self.ds.requests.len()
    }

    /// Total number of sessions over all requests.
    pub fn total_sessions(&self) -> usize {
        self.sessions.iter().map(Vec::len).sum()
    }

    /// One-way travel from instructor i's home to request r's venue (whatever the rules
    /// say): the one place the planner asks the travel model.
    pub fn travel_of(&self, i: usize, r: usize) -> crate::travel::Travel {
        let ins = &self.ds.instructors[i];
        self.travel.travel(
            &ins.id,
            &ins.association,
            self.homes[i],
            &self.ds.requests[r].association,
            self.venues[r],
        )
    }

    /// The association (index) that request r belongs to.
    pub fn requester(&self, r: usize) -> usize {
        self.association_index[self.ds.requests[r].association.as_str()]
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
