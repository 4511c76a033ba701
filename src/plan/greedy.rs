//! The greedy baseline: what a coordinator does by hand. Parts of requests (a course, a
//! drop-in session, a guidance block) are taken highest priority first (then the most
//! sessions); each gets the nearest eligible instructors who are still free for all its
//! sessions and within their limits, leaving room for a speaker of each of a drop-in's
//! languages. A part that cannot get all the instructors it needs gets none (a guidance
//! block: as many desks as it can). Accepted answers go first; declined pairs are
//! not eligible at all. Clashes and hours follow docs/model.md §3: a session at a venue the
//! instructor already teaches at that day clashes only if the sessions overlap, and that
//! venue-day costs no second round trip.

use std::collections::HashMap;

use super::conflicts::pairs_clash;
use super::eligibility::Eligibility;
use super::instance::Instance;
use super::load::Load;
use super::params::ClusterMode;

/// The chosen pairs (indices into `Eligibility::pairs`).
pub fn solve(inst: &Instance, elig: &Eligibility) -> Vec<usize> {
    let all: Vec<usize> = (0..inst.n_requests()).collect();
    solve_for(inst, elig, &all)
}

/// `solve` on the units `units` alone: what it picks for them is what `solve` picks when
/// `units` are whole components (no instructor of theirs serves another unit).
pub fn solve_for(inst: &Instance, elig: &Eligibility, units: &[usize]) -> Vec<usize> {
    let ds = inst.ds;
    // Answers are law: requests with an accepted instructor come first, and their
    // accepted instructors are tried first.
    let accepted = |p: usize| {
        let pair = &elig.pairs[p];
        inst.is_accepted(pair.i, pair.r)
    };
    let mut order: Vec<usize> = units.to_vec();
    order.sort_by_key(|&r| {
        (
            !elig.by_request[r].iter().any(|&p| accepted(p)),
            std::cmp::Reverse(inst.request(r).priority),
            std::cmp::Reverse(inst.sessions[r].len()),
            r,
        )
    });
    // Per instructor: the pairs taken, their weekly load, the total.
    let mut busy: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut loads: HashMap<usize, Load> = HashMap::new();
    let nothing = Load::default();
    let mut total: HashMap<usize, usize> = HashMap::new();
    // Per capped hub: sessions lent outside its cluster so far.
    let mut lent: HashMap<usize, usize> = HashMap::new();
    // While clusters are proposed: association → the hub it joined.
    let mut joined: HashMap<usize, usize> = HashMap::new();
    let mut chosen = Vec::new();

    for r in order {
        // All k of a course or drop-in session; as many desks of a one-to-one block as
        // can be staffed, at least one.
        let unit = &inst.units[r];
        let k = (unit.staff * unit.most) as usize;
        let enough = if unit.most > 1 { 1 } else { k };
        let mut candidates = elig.by_request[r].clone();
        // A pair that needs a training (advice) is not something a coordinator has.
        candidates.retain(|&p| !needs_training(inst, elig, p));
        candidates.sort_by(|&a, &b| {
            accepted(b)
                .cmp(&accepted(a))
                .then(elig.pairs[a].travel.km.total_cmp(&elig.pairs[b].travel.km))
        });
        // While clusters are proposed, an association's instructors all come from one hub
        // (docs/model.md §7): its first staffed request fixes it; until then the hubs are
        // tried in turn, in order of their nearest candidate.
        let candidates = one_hub_groups(inst, elig, &joined, r, candidates);
        let mut picked: Vec<usize> = Vec::new();
        let mut picking_from = None;
        for (group, p) in candidates {
            if picked.len() == k {
                break;
            }
            if picking_from.is_some_and(|g| g != group) {
                // The previous hub could not staff the request alone: start over.
                picked.clear();
            }
            picking_from = Some(group);
            let pair = &elig.pairs[p];
            let ins = &ds.instructors[pair.i];
            let overlaps = busy
                .get(&pair.i)
                .is_some_and(|b| b.iter().any(|&q| pairs_clash(inst, &elig.pairs[q], pair)));
            if overlaps {
                continue;
            }
            let load = loads.get(&pair.i).unwrap_or(&nothing);
            let within_week = load.with(inst, pair).values().all(|&(n, h)| {
                n <= ins.max_sessions_per_week
                    && ins.max_hours_per_week.is_none_or(|max| h <= max + 1e-9)
            });
            let within_total = ins.max_sessions_total.is_none_or(|t| {
                total.get(&pair.i).copied().unwrap_or(0) + inst.sessions[r].len() <= t as usize
            });
            // Within the hub's lending cap, counting those already picked for this request.
            let within_cap = inst.capped_lending(pair.i, r).is_none_or(|(h, cap)| {
                let picked_here = picked
                    .iter()
                    .filter(|&&q| {
                        inst.capped_lending(elig.pairs[q].i, r)
                            .is_some_and(|(g, _)| g == h)
                    })
                    .count();
                lent.get(&h).copied().unwrap_or(0) + (picked_here + 1) * inst.sessions[r].len()
                    <= cap as usize
            });
            // A drop-in in several languages: leave room for a speaker of each.
            let missing = unit
                .cover
                .iter()
                .filter(|l| {
                    !picked
                        .iter()
                        .chain(std::iter::once(&p))
                        .any(|&q| ds.instructors[elig.pairs[q].i].languages.contains(l))
                })
                .count();
            if !(within_week && within_total && within_cap) || missing > k - picked.len() - 1 {
                continue;
            }
            picked.push(p);
        }
        if picked.len() < enough {
            continue;
        }
        if inst.cluster_mode == ClusterMode::Proposed {
            joined.insert(inst.requester(r), inst.hub_of(elig.pairs[picked[0]].i));
        }
        for &p in &picked {
            let pair = &elig.pairs[p];
            busy.entry(pair.i).or_default().push(p);
            loads.entry(pair.i).or_default().add(inst, pair);
            *total.entry(pair.i).or_default() += inst.sessions[r].len();
            if let Some((h, _)) = inst.capped_lending(pair.i, r) {
                *lent.entry(h).or_default() += inst.sessions[r].len();
            }
            chosen.push(p);
        }
    }
    chosen.sort_unstable();
    chosen
}

/// The candidates (in order) tagged with their group: one group of all of them, or, while
/// clusters are proposed, one group per hub the association may still join, the hub of the
/// nearest candidate first. Within a group the order is kept.
fn one_hub_groups(
    inst: &Instance,
    elig: &Eligibility,
    joined: &HashMap<usize, usize>,
    r: usize,
    candidates: Vec<usize>,
) -> Vec<(usize, usize)> {
    if inst.cluster_mode != ClusterMode::Proposed {
        return candidates.into_iter().map(|p| (0, p)).collect();
    }
    let a = inst.requester(r);
    let hub = |p: usize| inst.hub_of(elig.pairs[p].i);
    let mut hubs: Vec<usize> = Vec::new();
    for &p in &candidates {
        if !hubs.contains(&hub(p)) && joined.get(&a).is_none_or(|&j| j == hub(p)) {
            hubs.push(hub(p));
        }
    }
    hubs.iter()
        .flat_map(|&h| {
            candidates
                .iter()
                .filter(move |&&p| hub(p) == h)
                .map(move |&p| (h, p))
        })
        .collect()
}

/// Whether a pair is usable only after a training (training advice, `Params::trainings`).
pub fn needs_training(inst: &Instance, elig: &Eligibility, p: usize) -> bool {
    let Some(tr) = &inst.params.trainings else {
        return false;
    };
    let pair = &elig.pairs[p];
    let (ins, req) = (&inst.ds.instructors[pair.i], inst.request(pair.r));
    tr.needed(&ins.id, req).next().is_some()
}
