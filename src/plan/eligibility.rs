//! Who may cover what: every (instructor, request) pair is tested against the rules of
//! `rules::Rule`, and every rejected pair keeps the rules it failed.
//!
//! Rules are tested cheapest first. The static rules (opt-in, cluster, topic, language) are
//! always all tested; distance only for pairs that pass them; availability and blackouts
//! only for pairs within reach (they depend on the travel time). So a pair's mask tells
//! exactly why it is out, at the depth an explanation needs.

use rayon::prelude::*;

use crate::model::Instructor;
use crate::travel::Travel;

use super::instance::Instance;
use super::params::ClusterMode;
use super::rules::Rule;

/// An eligible pair: instructor `i` may cover request `r` (indices into the dataset).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pair {
    pub i: usize,
    pub r: usize,
    pub travel: Travel,
}

pub struct Eligibility {
    pub pairs: Vec<Pair>,
    /// Pair indices by request.
    pub by_request: Vec<Vec<usize>>,
    /// Pair indices by instructor.
    pub by_instructor: Vec<Vec<usize>>,
    /// Failed-rule mask of every pair, at `r * n_instructors + i` (0 = eligible).
    failed: Vec<u8>,
    /// One-way km of every pair whose distance was computed (NaN otherwise).
    km: Vec<f32>,
    n_instructors: usize,
}

impl Eligibility {
    pub fn build(inst: &Instance) -> Self {
        let n_i = inst.n_instructors();
        let rows: Vec<(Vec<u8>, Vec<f32>, Vec<Pair>)> = (0..inst.n_requests())
            .into_par_iter()
            .map(|r| {
                let mut failed = vec![0u8; n_i];
                let mut km = vec![f32::NAN; n_i];
                let mut pairs = Vec::new();
                for i in 0..n_i {
                    let (mask, travel) = test_pair(inst, i, r);
                    failed[i] = mask;
                    if let Some(t) = travel {
                        km[i] = t.km as f32;
                        if mask == 0 {
                            pairs.push(Pair { i, r, travel: t });
                        }
                    }
                }
                (failed, km, pairs)
            })
            .collect();
        let mut failed = Vec::with_capacity(n_i * inst.n_requests());
        let mut km = Vec::with_capacity(n_i * inst.n_requests());
        let mut pairs = Vec::new();
        for (f, k, p) in rows {
            failed.extend(f);
            km.extend(k);
            pairs.extend(p);
        }
        let mut by_request = vec![Vec::new(); inst.n_requests()];
        let mut by_instructor = vec![Vec::new(); n_i];
        for (k, p) in pairs.iter().enumerate() {
            by_request[p.r].push(k);
            by_instructor[p.i].push(k);
        }
        Eligibility {
            pairs,
            by_request,
            by_instructor,
            failed,
            km,
            n_instructors: n_i,
        }
    }

    /// The rules instructor `i` fails for request `r` (empty when eligible).
    pub fn failed_rules(&self, i: usize, r: usize) -> Vec<Rule> {
        Rule::in_mask(self.failed[r * self.n_instructors + i]).collect()
    }

    /// The failed-rule mask of a pair.
    pub fn mask(&self, i: usize, r: usize) -> u8 {
        self.failed[r * self.n_instructors + i]
    }

    /// The one-way km of a pair, if the distance rule was reached.
    pub fn km(&self, i: usize, r: usize) -> Option<f64> {
        let v = self.km[r * self.n_instructors + i];
        (!v.is_nan()).then_some(f64::from(v))
    }
}

/// Tests one pair; returns its failed-rule mask and, when computed, its travel.
fn test_pair(inst: &Instance, i: usize, r: usize) -> (u8, Option<Travel>) {
    let ds = inst.ds;
    let ins = &ds.instructors[i];
    let req = inst.request(r);
    let assoc = &ds.associations[inst.association_index[req.association.as_str()]];
    let mut mask = 0u8;
    if !assoc.opt_in {
        mask |= Rule::OptIn.bit();
    }
    let hub_lends = inst
        .association_index
        .get(ins.association.as_str())
        .is_none_or(|&h| ds.associations[h].lends);
    let outside = match inst.cluster_mode {
        ClusterMode::Fixed => true,
        ClusterMode::Open => !hub_lends,
        // The clusters are being chosen (docs/model.md §7): every hub may join.
        ClusterMode::Proposed => false,
    };
    if outside && assoc.cluster.as_deref() != Some(ins.association.as_str()) {
        mask |= Rule::Cluster.bit();
    }
    if !ins.topics.contains(&req.topic) {
        mask |= Rule::Topic.bit();
    }
    // A drop-in in several languages takes anyone who speaks one of them; its staff must
    // cover them all between them (the MILP's language rows).
    if !req
        .languages()
        .iter()
        .any(|l| ins.languages.iter().any(|m| m == l))
    {
        mask |= Rule::Language.bit();
    }
    if inst.params.answers.is_declined(&req.id, &ins.id) {
        mask |= Rule::Declined.bit();
    }
    if mask != 0 {
        return (mask, None);
    }
    let travel = inst.travel_of(i, r);
    let limit = km_limit(&inst.params, ins);
    let too_long = minute_limit(&inst.params, ins).is_some_and(|l| travel.minutes > l);
    if travel.km > limit || too_long {
        return (Rule::Distance.bit(), Some(travel));
    }
    (
        time_rules(ins, &inst.sessions[r], travel.minutes),
        Some(travel),
    )
}

/// The one-way km limit of an instructor in a scenario: their own, or the scenario's if
/// tighter.
pub fn km_limit(params: &super::Params, ins: &Instructor) -> f64 {
    params.max_km.map_or(ins.max_km, |m| m.min(ins.max_km))
}

/// The one-way minute limit of an instructor in a scenario: the tighter of their own and
/// the scenario's, where either is set.
pub fn minute_limit(params: &super::Params, ins: &Instructor) -> Option<u32> {
    match (params.max_minutes, ins.max_minutes) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The availability and blackout rules for sessions reached after `minutes` of travel.
fn time_rules(ins: &Instructor, sessions: &[crate::model::Session], minutes: u32) -> u8 {
    use chrono::Datelike;
    let m = i64::from(minutes);
    let mut mask = 0u8;
    for s in sessions {
        let (from, to) = (s.start.minutes() - m, s.end.minutes() + m);
        let fits = ins.availability.iter().any(|slot| {
            slot.weekday == s.date.weekday()
                && slot.start.minutes() <= from
                && to <= slot.end.minutes()
        });
        if !fits {
            mask |= Rule::Availability.bit();
        }
        if ins
            .blackouts
            .iter()
            .any(|b| b.from <= s.date && s.date <= b.to)
        {
            mask |= Rule::Blackout.bit();
        }
    }
    mask
}
