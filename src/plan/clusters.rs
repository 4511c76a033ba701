//! `cluster_mode = proposed`: klynge chooses the clusters together with the rota.
//!
//! The plan's own MILP does the choosing (docs/model.md §7): with every hub allowed for
//! every opted-in small association, a binary c(a,h) per association and candidate hub,
//! Σ_h c(a,h) = 1 and x(i,r) ≤ c(a(r), hub(i)) (`milp/build.rs`), the lexicographic stages find
//! the layout that covers most, then travels least. This module reads the layout off that
//! rota: an association with a covered request joins its instructors' hub; one without
//! joins the nearest hub in reach, which no rota depends on.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::model::{AssociationKind, Dataset};
use crate::travel::TravelModel;

use super::instance::iso_week;
use super::params::{ClusterMode, Params, SolverKind};

/// One small association's proposed hub.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Membership {
    pub small: String,
    pub hub: String,
    pub km: f64,
    /// Instructor-sessions the association requests.
    pub demand: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterProposal {
    pub memberships: Vec<Membership>,
    /// Opted-in small associations with no covered request and no hub in reach.
    pub unreachable: Vec<String>,
    /// Instructor-sessions each hub can supply over the term (shown, not used).
    pub supply: BTreeMap<String, f64>,
    /// Σ demand · km of the proposal.
    pub weighted_km: f64,
}

impl ClusterProposal {
    /// The dataset with the proposed `cluster` column.
    pub fn apply(&self, ds: &Dataset) -> Dataset {
        let mut out = ds.clone();
        for a in &mut out.associations {
            if a.kind == AssociationKind::Small {
                a.cluster = self
                    .memberships
                    .iter()
                    .find(|m| m.small == a.id)
                    .map(|m| m.hub.clone());
            }
        }
        out
    }
}

/// Proposes clusters for `ds` under the settings of `params`, by planning with the
/// clusters open to choice (with `solver`).
pub fn propose(
    ds: &Dataset,
    params: &Params,
    solver: SolverKind,
) -> Result<ClusterProposal, String> {
    let choosing = Params {
        cluster_mode: Some(ClusterMode::Proposed),
        ..params.clone()
    };
    let outcome = super::plan(ds, &choosing, solver, &|_| {});
    let travel = TravelModel::for_dataset(params.travel, ds);
    let hubs: Vec<&crate::model::Association> = ds
        .associations
        .iter()
        .filter(|a| a.kind == AssociationKind::Hub)
        .collect();

    // The hub of the instructors each association's covered requests got.
    let mut hub_of_instructor: BTreeMap<&str, &str> = BTreeMap::new();
    for i in &ds.instructors {
        hub_of_instructor.insert(i.id.as_str(), i.association.as_str());
    }
    let mut requester: BTreeMap<&str, &str> = BTreeMap::new();
    for r in &ds.requests {
        requester.insert(r.id.as_str(), r.association.as_str());
    }
    let mut staffed_by: BTreeMap<&str, &str> = BTreeMap::new();
    for a in &outcome.assignments {
        if let (Some(&small), Some(&hub)) = (
            requester.get(a.request.as_str()),
            hub_of_instructor.get(a.instructor.as_str()),
        ) {
            staffed_by.insert(small, hub);
        }
    }

    let weeks: BTreeSet<u32> = ds
        .requests
        .iter()
        .flat_map(|r| r.all_sessions())
        .map(|s| iso_week(s.date))
        .collect();
    let n_weeks = weeks.len().max(1) as f64;
    let mut supply: BTreeMap<String, f64> = hubs.iter().map(|h| (h.id.clone(), 0.0)).collect();
    let mut reach: BTreeMap<&str, f64> = BTreeMap::new();
    for i in &ds.instructors {
        let per_term = f64::from(i.max_sessions_per_week) * n_weeks;
        let cap = i
            .max_sessions_total
            .map_or(per_term, |t| per_term.min(f64::from(t)));
        *supply.entry(i.association.clone()).or_default() += cap;
        let limit = params.max_km.map_or(i.max_km, |m| m.min(i.max_km));
        let r = reach.entry(i.association.as_str()).or_insert(0.0);
        *r = r.max(limit);
    }

    let mut memberships = Vec::new();
    let mut unreachable = Vec::new();
    for s in ds
        .associations
        .iter()
        .filter(|a| a.kind == AssociationKind::Small && a.opt_in)
    {
        let km_from = |h: &crate::model::Association| {
            travel
                .travel(&h.id, &h.id, h.location(), &s.id, s.location())
                .km
        };
        // Covered: the hub the rota uses. Otherwise the nearest hub in reach (ties by id).
        let hub = match staffed_by.get(s.id.as_str()) {
            Some(&h) => hubs.iter().find(|a| a.id == h).copied(),
            None => hubs
                .iter()
                .map(|&h| (km_from(h), h))
                .filter(|(km, h)| *km <= reach.get(h.id.as_str()).copied().unwrap_or(0.0))
                .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.id.cmp(&b.1.id)))
                .map(|(_, h)| h),
        };
        let Some(hub) = hub else {
            unreachable.push(s.id.clone());
            continue;
        };
        let demand = ds
            .requests
            .iter()
            .filter(|r| r.association == s.id)
            .map(|r| f64::from(r.instructors_needed) * r.all_sessions().len() as f64)
            .sum();
        memberships.push(Membership {
            small: s.id.clone(),
            hub: hub.id.clone(),
            km: km_from(hub),
            demand,
        });
    }
    let weighted_km = memberships.iter().map(|m| m.demand * m.km).sum();
    Ok(ClusterProposal {
        memberships,
        unreachable,
        supply,
        weighted_km,
    })
}
