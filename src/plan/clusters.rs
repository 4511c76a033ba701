//! `cluster_mode = proposed`: klynge proposes the clusters before it plans within them.
//!
//! Each opted-in small association joins exactly one hub within reach; a hub takes on no
//! more demand than its instructors can supply; and demand-weighted distance is minimised:
//!
//!   minimise   Σ_{s,h} demand(s) · km(s,h) · a(s,h)  +  M · Σ_h over(h)
//!   subject to Σ_h a(s,h) = 1                           for every small s with a hub in reach
//!              Σ_s demand(s) · a(s,h) ≤ supply(h) + over(h)   for every hub h
//!              a(s,h) ∈ {0,1},  over(h) ≥ 0
//!
//! demand(s) is the instructor-sessions s requests (Σ k(r)·|sessions(r)|); supply(h) is
//! what the hub's instructors can give over the term (per instructor, the smaller of
//! max_sessions_total and max_sessions_per_week × the term's weeks). A hub is in reach of
//! s when its best-travelling instructor's limit covers the hub-to-s distance. `over` is
//! only used when supply cannot meet demand at all; its penalty M makes it a last resort,
//! and the proposal reports it.

use std::collections::{BTreeMap, BTreeSet};

use good_lp::{
    Expression, ProblemVariables, Solution, SolverModel, Variable, constraint, highs, variable,
};
use serde::{Deserialize, Serialize};

use crate::model::{AssociationKind, Dataset};
use crate::travel::TravelModel;

use super::instance::iso_week;
use super::params::Params;

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
    /// Opted-in small associations with no hub in reach.
    pub unreachable: Vec<String>,
    /// Instructor-sessions each hub can supply over the term.
    pub supply: BTreeMap<String, f64>,
    /// Demand a hub takes on beyond its supply (only when supply cannot meet demand).
    pub over: BTreeMap<String, f64>,
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

/// Proposes clusters for `ds` under the travel and distance settings of `params`.
pub fn propose(ds: &Dataset, params: &Params) -> Result<ClusterProposal, String> {
    let travel = TravelModel::for_dataset(params.travel, ds);
    let hubs: Vec<&crate::model::Association> = ds
        .associations
        .iter()
        .filter(|a| a.kind == AssociationKind::Hub)
        .collect();
    let smalls: Vec<&crate::model::Association> = ds
        .associations
        .iter()
        .filter(|a| a.kind == AssociationKind::Small && a.opt_in)
        .collect();

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
    let demand: BTreeMap<&str, f64> = smalls
        .iter()
        .map(|s| {
            let d = ds
                .requests
                .iter()
                .filter(|r| r.association == s.id)
                .map(|r| f64::from(r.instructors_needed) * r.all_sessions().len() as f64)
                .sum();
            (s.id.as_str(), d)
        })
        .collect();

    let mut vars = ProblemVariables::new();
    // a(s,h) for every small s and hub h within reach.
    let mut a: Vec<(usize, usize, f64, Variable)> = Vec::new();
    for (si, s) in smalls.iter().enumerate() {
        for (hi, h) in hubs.iter().enumerate() {
            let km = travel
                .travel(&h.id, &h.id, h.location(), &s.id, s.location())
                .km;
            if km <= reach.get(h.id.as_str()).copied().unwrap_or(0.0) {
                a.push((si, hi, km, vars.add(variable().binary())));
            }
        }
    }
    let over: Vec<Variable> = hubs.iter().map(|_| vars.add(variable().min(0))).collect();
    let max_km = a.iter().map(|x| x.2).fold(1.0, f64::max);
    let penalty = 1e3 * max_km;
    let mut objective = Expression::from(0);
    for &(si, _, km, v) in &a {
        objective += demand[smalls[si].id.as_str()] * km * v;
    }
    for &o in &over {
        objective += penalty * o;
    }
    let mut problem = vars.minimise(objective).using(highs);
    problem.set_verbose(false);
    let mut unreachable = Vec::new();
    for (si, s) in smalls.iter().enumerate() {
        let joins: Expression = a.iter().filter(|x| x.0 == si).map(|x| x.3).sum();
        if a.iter().any(|x| x.0 == si) {
            problem.add_constraint(constraint!(joins == 1));
        } else {
            unreachable.push(s.id.clone());
        }
    }
    for (hi, h) in hubs.iter().enumerate() {
        let taken: Expression = a
            .iter()
            .filter(|x| x.1 == hi)
            .map(|x| demand[smalls[x.0].id.as_str()] * x.3)
            .sum();
        problem.add_constraint(constraint!(taken <= supply[&h.id] + over[hi]));
    }
    let solution = problem.solve().map_err(|e| e.to_string())?;
    let memberships: Vec<Membership> = a
        .iter()
        .filter(|x| solution.value(x.3) > 0.5)
        .map(|&(si, hi, km, _)| Membership {
            small: smalls[si].id.clone(),
            hub: hubs[hi].id.clone(),
            km,
            demand: demand[smalls[si].id.as_str()],
        })
        .collect();
    let over = hubs
        .iter()
        .zip(&over)
        .map(|(h, &o)| (h.id.clone(), solution.value(o)))
        .filter(|&(_, o)| o > 1e-6)
        .collect();
    let weighted_km = memberships.iter().map(|m| m.demand * m.km).sum();
    Ok(ClusterProposal {
        memberships,
        unreachable,
        supply,
        over,
        weighted_km,
    })
}
