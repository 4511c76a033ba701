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
        let keys = Keys::new(inst);
        let rows: Vec<(Vec<u8>, Vec<f32>, Vec<Pair>)> = (0..inst.n_requests())
            .into_par_iter()
            .map(|r| {
                let mut failed = vec![0u8; n_i];
                let mut km = vec![f32::NAN; n_i];
                let mut pairs = Vec::new();
                for i in 0..n_i {
                    let (mask, travel) = test_pair(inst, &keys, i, r);
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
        Eligibility::from_parts(pairs, failed, km, n_i, inst.n_requests())
    }

    /// The eligibility of `inst`, whose data differs from the data `self` was built for
    /// only in instructor `i`'s own fields (their travel limit, their free times): the
    /// other instructors' tests are kept and i's are made again. Equal to `build(inst)`,
    /// at the cost of one instructor instead of all (what `explain` asks of a candidate
    /// change).
    pub fn retest_instructor(&self, inst: &Instance, i: usize) -> Eligibility {
        let n_i = self.n_instructors;
        debug_assert_eq!(n_i, inst.n_instructors());
        let keys = Keys::new(inst);
        let mut failed = self.failed.clone();
        let mut km = self.km.clone();
        let mut pairs = Vec::with_capacity(self.pairs.len() + inst.n_requests());
        for r in 0..inst.n_requests() {
            let (mask, travel) = test_pair(inst, &keys, i, r);
            failed[r * n_i + i] = mask;
            km[r * n_i + i] = travel.map_or(f32::NAN, |t| t.km as f32);
            let retested = travel
                .filter(|_| mask == 0)
                .map(|travel| Pair { i, r, travel });
            // Pairs stay in (request, instructor) order, as `build` makes them.
            let mut retested = retested.into_iter().peekable();
            for &p in &self.by_request[r] {
                let pair = self.pairs[p];
                if pair.i == i {
                    continue;
                }
                if pair.i > i {
                    pairs.extend(retested.next());
                }
                pairs.push(pair);
            }
            pairs.extend(retested);
        }
        Eligibility::from_parts(pairs, failed, km, n_i, inst.n_requests())
    }

    /// The eligibility of `inst`, whose data is the data `self` was built for without the
    /// units `dropped` (one request's, which are consecutive): the other tests are kept.
    /// Equal to `build(inst)`: a pair's test does not depend on other requests.
    pub fn without_units(&self, dropped: std::ops::Range<usize>) -> Eligibility {
        let n_i = self.n_instructors;
        let cut =
            |v: &[u8]| -> Vec<u8> { [&v[..dropped.start * n_i], &v[dropped.end * n_i..]].concat() };
        let failed = cut(&self.failed);
        let km = [
            &self.km[..dropped.start * n_i],
            &self.km[dropped.end * n_i..],
        ]
        .concat();
        let pairs = self
            .pairs
            .iter()
            .filter(|p| !dropped.contains(&p.r))
            .map(|&p| Pair {
                r: if p.r >= dropped.end {
                    p.r - dropped.len()
                } else {
                    p.r
                },
                ..p
            })
            .collect();
        let n_r = self.by_request.len() - dropped.len();
        Eligibility::from_parts(pairs, failed, km, n_i, n_r)
    }

    fn from_parts(
        pairs: Vec<Pair>,
        failed: Vec<u8>,
        km: Vec<f32>,
        n_instructors: usize,
        n_requests: usize,
    ) -> Eligibility {
        let mut by_request = vec![Vec::new(); n_requests];
        let mut by_instructor = vec![Vec::new(); n_instructors];
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
            n_instructors,
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

/// What the static rules compare, as numbers: topics and languages interned, hubs and
/// clusters as association indices. Built once per `build`, so that testing a pair (there
/// are instructors × requests of them) hashes and allocates nothing.
struct Keys {
    /// Per unit: whether its association opted in, its cluster's hub (`None` for no
    /// cluster, or one that is no association), its topic (`None` where no instructor has
    /// it), its languages (those some instructor speaks).
    opt_in: Vec<bool>,
    cluster: Vec<Option<usize>>,
    topic: Vec<Option<u32>>,
    languages: Vec<Vec<u32>>,
    /// Per instructor: their hub's index, whether it lends, their topics and languages.
    hub: Vec<Option<usize>>,
    lends: Vec<bool>,
    topics: Vec<Vec<u32>>,
    speaks: Vec<Vec<u32>>,
}

impl Keys {
    fn new(inst: &Instance) -> Keys {
        let ds = inst.ds;
        let mut topic_ids: std::collections::HashMap<&str, u32> = Default::default();
        let mut language_ids: std::collections::HashMap<&str, u32> = Default::default();
        let intern = |ids: &mut std::collections::HashMap<_, u32>, s| {
            let next = ids.len() as u32;
            *ids.entry(s).or_insert(next)
        };
        let topics = ds
            .instructors
            .iter()
            .map(|i| {
                i.topics
                    .iter()
                    .map(|t| intern(&mut topic_ids, t.as_str()))
                    .collect()
            })
            .collect();
        let speaks = ds
            .instructors
            .iter()
            .map(|i| {
                i.languages
                    .iter()
                    .map(|l| intern(&mut language_ids, l.as_str()))
                    .collect()
            })
            .collect();
        let hub: Vec<Option<usize>> = ds
            .instructors
            .iter()
            .map(|i| inst.association_index.get(i.association.as_str()).copied())
            .collect();
        let lends = hub
            .iter()
            .map(|h| h.is_none_or(|h| ds.associations[h].lends))
            .collect();
        let requester: Vec<usize> = (0..inst.n_requests()).map(|r| inst.requester(r)).collect();
        Keys {
            opt_in: requester
                .iter()
                .map(|&a| ds.associations[a].opt_in)
                .collect(),
            cluster: requester
                .iter()
                .map(|&a| {
                    let c = ds.associations[a].cluster.as_deref()?;
                    inst.association_index.get(c).copied()
                })
                .collect(),
            topic: (0..inst.n_requests())
                .map(|r| topic_ids.get(inst.request(r).topic.as_str()).copied())
                .collect(),
            languages: (0..inst.n_requests())
                .map(|r| {
                    inst.request(r)
                        .languages()
                        .iter()
                        .filter_map(|l| language_ids.get(l).copied())
                        .collect()
                })
                .collect(),
            hub,
            lends,
            topics,
            speaks,
        }
    }
}

/// Tests one pair; returns its failed-rule mask and, when computed, its travel.
fn test_pair(inst: &Instance, keys: &Keys, i: usize, r: usize) -> (u8, Option<Travel>) {
    let ins = &inst.ds.instructors[i];
    let mut mask = 0u8;
    if !keys.opt_in[r] {
        mask |= Rule::OptIn.bit();
    }
    let outside = match inst.cluster_mode {
        ClusterMode::Fixed => true,
        ClusterMode::Open => !keys.lends[i],
        // The clusters are being chosen (docs/model.md §7): every hub may join.
        ClusterMode::Proposed => false,
    };
    // In the cluster: the association's cluster is the instructor's hub.
    if outside && (keys.cluster[r].is_none() || keys.cluster[r] != keys.hub[i]) {
        mask |= Rule::Cluster.bit();
    }
    if !keys.topic[r].is_some_and(|t| keys.topics[i].contains(&t)) {
        mask |= Rule::Topic.bit();
    }
    // A drop-in in several languages takes anyone who speaks one of them; its staff must
    // cover them all between them (the MILP's language rows).
    if !keys.languages[r].iter().any(|l| keys.speaks[i].contains(l)) {
        mask |= Rule::Language.bit();
    }
    if inst.is_declined(i, r) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Params;

    /// The two as the planner reads them: pairs in order, and every pair's mask and km.
    fn same(a: &Eligibility, b: &Eligibility) {
        assert_eq!(a.pairs, b.pairs);
        assert_eq!(a.by_request, b.by_request);
        assert_eq!(a.by_instructor, b.by_instructor);
        assert_eq!(a.failed, b.failed);
        let bits = |e: &Eligibility| e.km.iter().map(|k| k.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(a), bits(b));
    }

    #[test]
    fn retesting_one_changed_instructor_equals_building_again() {
        let ds = crate::generate::generate(120, 5);
        let params = Params::default();
        let base = Eligibility::build(&Instance::new(&ds, params.clone()));
        let mut changed_some = 0;
        for i in [0, 7, 59, 119] {
            let mut changed = ds.clone();
            changed.instructors[i].max_km += 80.0;
            let more = changed.instructors[(i + 1) % 120].availability.clone();
            changed.instructors[i].availability.extend(more);
            let inst = Instance::new(&changed, params.clone());
            let fresh = Eligibility::build(&inst);
            changed_some += usize::from(fresh.pairs.len() != base.pairs.len());
            same(&base.retest_instructor(&inst, i), &fresh);
        }
        // The changes made a difference somewhere, so the test compares something.
        assert!(changed_some > 0);
    }

    #[test]
    fn dropping_one_request_equals_building_again() {
        let ds = crate::generate::generate(120, 6);
        let params = Params::default();
        let inst = Instance::new(&ds, params.clone());
        let base = Eligibility::build(&inst);
        for k in [0, 33, ds.requests.len() - 1] {
            let units = inst.request_index[ds.requests[k].id.as_str()].clone();
            let dropped = units[0]..units[units.len() - 1] + 1;
            let mut changed = ds.clone();
            changed.requests.remove(k);
            let fresh = Eligibility::build(&Instance::new(&changed, params.clone()));
            same(&base.without_units(dropped), &fresh);
        }
    }
}
