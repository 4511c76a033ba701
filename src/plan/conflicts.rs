//! Hard constraint 2, "no instructor in two places at once", as cliques.
//!
//! Two sessions of different requests conflict for an instructor when their trips (the
//! sessions widened by the travel time on both sides) overlap — except at the same venue on
//! the same day, where the instructor stays and only the sessions themselves may not
//! overlap (docs/model.md §3).
//!
//! For one instructor, every session of every eligible request becomes a widened interval.
//! Sweeping the intervals in time order, the requests whose intervals cover the moment an
//! interval starts form a clique of the widened conflict graph. That graph contains the true
//! one, so a widened clique with two members at the same venue is split into the maximal
//! cliques of the true graph among its members. Only distinct, maximal cliques are kept, so
//! that the model gets one row per clique instead of one per conflicting pair.

use std::collections::HashMap;

use crate::model::Session;

use super::eligibility::{Eligibility, Pair};
use super::instance::{Instance, absolute_minute};

/// A widened clique that splits into more maximal cliques than this becomes its conflicting
/// pairs instead (docs/model.md §5).
const MOST_CLIQUES_PER_SPLIT: usize = 256;

/// Whether session `s` of pair `p` and session `t` of pair `q` — one instructor, two
/// different requests — conflict (docs/model.md §3).
pub fn sessions_clash(inst: &Instance, p: &Pair, s: &Session, q: &Pair, t: &Session) -> bool {
    // At the same venue on the same day the instructor stays: no travel in between.
    let stays = inst.venue[p.r] == inst.venue[q.r] && s.date == t.date;
    let (m, n) = if stays {
        (0, 0)
    } else {
        (p.travel.minutes, q.travel.minutes)
    };
    let (a0, a1) = trip(s, m);
    let (b0, b1) = trip(t, n);
    a0 < b1 && b0 < a1
}

/// Whether one instructor can take both requests of `p` and `q` without a conflict.
pub fn pairs_clash(inst: &Instance, p: &Pair, q: &Pair) -> bool {
    p.r != q.r
        && inst.sessions[p.r].iter().any(|s| {
            inst.sessions[q.r]
                .iter()
                .any(|t| sessions_clash(inst, p, s, q, t))
        })
}

/// A session widened by `minutes` of travel on both sides, on the absolute minute line.
fn trip(s: &Session, minutes: u32) -> (i64, i64) {
    let m = i64::from(minutes);
    (
        absolute_minute(s.date, s.start.minutes() - m),
        absolute_minute(s.date, s.end.minutes() + m),
    )
}

/// The maximal conflict cliques of instructor `i`, each a sorted list of pair indices
/// (into `Eligibility::pairs`) with at least two members.
pub fn cliques(inst: &Instance, elig: &Eligibility, i: usize) -> Vec<Vec<usize>> {
    let widened = maximal(widened_cliques(inst, elig, i));
    let venue = |p: usize| inst.venue[elig.pairs[p].r];
    let shares_a_venue = |c: &[usize]| {
        let mut venues: Vec<usize> = c.iter().map(|&p| venue(p)).collect();
        venues.sort_unstable();
        venues.windows(2).any(|w| w[0] == w[1])
    };
    if !widened.iter().any(|c| shares_a_venue(c)) {
        // Nobody stays anywhere: the widened graph is the true one.
        return widened;
    }
    // Members at different venues of a widened clique conflict (their trips overlap at a
    // common moment); members at one venue are tested, once per pair of pairs.
    let mut known: HashMap<(usize, usize), bool> = HashMap::new();
    let mut found = Vec::new();
    for c in widened {
        if !shares_a_venue(&c) {
            found.push(c);
            continue;
        }
        let adjacent: Vec<Vec<bool>> = c
            .iter()
            .map(|&p| {
                c.iter()
                    .map(|&q| {
                        p != q
                            && (venue(p) != venue(q)
                                || *known.entry((p.min(q), p.max(q))).or_insert_with(|| {
                                    pairs_clash(inst, &elig.pairs[p], &elig.pairs[q])
                                }))
                    })
                    .collect()
            })
            .collect();
        let split = maximal_cliques(&adjacent, MOST_CLIQUES_PER_SPLIT).unwrap_or_else(|| {
            // Too many: the conflicting pairs, which say the same.
            (0..c.len())
                .flat_map(|a| (a + 1..c.len()).map(move |b| (a, b)))
                .filter(|&(a, b)| adjacent[a][b])
                .map(|(a, b)| vec![a, b])
                .collect()
        });
        found.extend(
            split
                .into_iter()
                .filter(|members| members.len() >= 2)
                .map(|members| {
                    let mut q: Vec<usize> = members.iter().map(|&k| c[k]).collect();
                    q.sort_unstable();
                    q
                }),
        );
    }
    maximal(found)
}

/// The cliques of the widened conflict graph found by a sweep over the trips (each a
/// sorted list of pair indices, at least two members; not yet de-duplicated).
fn widened_cliques(inst: &Instance, elig: &Eligibility, i: usize) -> Vec<Vec<usize>> {
    // (time, is_start, pair index). Ends sort before starts at the same time: touching
    // intervals do not conflict.
    let mut events: Vec<(i64, bool, usize)> = Vec::new();
    for &p in &elig.by_instructor[i] {
        let pair = &elig.pairs[p];
        for s in &inst.sessions[pair.r] {
            let (from, to) = trip(s, pair.travel.minutes);
            events.push((from, true, p));
            events.push((to, false, p));
        }
    }
    events.sort_unstable();

    // Active intervals per pair (a request's own sessions may overlap each other once
    // widened; a pair is active while any of its intervals is).
    let mut active: std::collections::BTreeMap<usize, u32> = Default::default();
    let mut found: Vec<Vec<usize>> = Vec::new();
    for (k, &(_, is_start, p)) in events.iter().enumerate() {
        if is_start {
            *active.entry(p).or_insert(0) += 1;
            // The active set is maximal here if the next event is an end.
            let next_is_end = events.get(k + 1).is_none_or(|e| !e.1);
            if next_is_end && active.len() >= 2 {
                found.push(active.keys().copied().collect());
            }
        } else if let Some(c) = active.get_mut(&p) {
            *c -= 1;
            if *c == 0 {
                active.remove(&p);
            }
        }
    }
    found
}

/// Sorted lists de-duplicated, and those contained in another dropped.
fn maximal(mut found: Vec<Vec<usize>>) -> Vec<Vec<usize>> {
    found.sort();
    found.dedup();
    let mut keep = vec![true; found.len()];
    for a in 0..found.len() {
        for b in 0..found.len() {
            if a != b
                && keep[b]
                && found[a].len() < found[b].len()
                && is_subset(&found[a], &found[b])
            {
                keep[a] = false;
                break;
            }
        }
    }
    found
        .into_iter()
        .zip(keep)
        .filter_map(|(c, k)| k.then_some(c))
        .collect()
}

/// The maximal cliques of the graph with adjacency matrix `adjacent` (Bron–Kerbosch with
/// pivoting), or `None` if there are more than `limit`.
pub(super) fn maximal_cliques(adjacent: &[Vec<bool>], limit: usize) -> Option<Vec<Vec<usize>>> {
    fn extend(
        adjacent: &[Vec<bool>],
        clique: &mut Vec<usize>,
        mut candidates: Vec<usize>,
        mut excluded: Vec<usize>,
        out: &mut Vec<Vec<usize>>,
        limit: usize,
    ) -> bool {
        if candidates.is_empty() && excluded.is_empty() {
            out.push(clique.clone());
            return out.len() <= limit;
        }
        // The pivot with the most neighbours among the candidates: only the candidates it
        // is not adjacent to need a branch.
        let pivot = candidates
            .iter()
            .chain(&excluded)
            .copied()
            .max_by_key(|&u| candidates.iter().filter(|&&v| adjacent[u][v]).count());
        let branches: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&v| pivot.is_none_or(|u| !adjacent[u][v]))
            .collect();
        for v in branches {
            clique.push(v);
            let within = |set: &[usize]| set.iter().copied().filter(|&w| adjacent[v][w]).collect();
            let ok = extend(
                adjacent,
                clique,
                within(&candidates),
                within(&excluded),
                out,
                limit,
            );
            clique.pop();
            if !ok {
                return false;
            }
            candidates.retain(|&w| w != v);
            excluded.push(v);
        }
        true
    }
    let mut out = Vec::new();
    let all: Vec<usize> = (0..adjacent.len()).collect();
    extend(adjacent, &mut Vec::new(), all, Vec::new(), &mut out, limit).then_some(out)
}

fn is_subset(small: &[usize], big: &[usize]) -> bool {
    let mut it = big.iter();
    small.iter().all(|x| it.any(|y| y == x))
}

#[cfg(test)]
mod tests {
    use super::{is_subset, maximal_cliques};

    #[test]
    fn subset_of_sorted_lists() {
        assert!(is_subset(&[1, 3], &[1, 2, 3]));
        assert!(!is_subset(&[1, 4], &[1, 2, 3]));
        assert!(is_subset(&[], &[1]));
    }

    fn graph(n: usize, edges: &[(usize, usize)]) -> Vec<Vec<bool>> {
        let mut adj = vec![vec![false; n]; n];
        for &(a, b) in edges {
            adj[a][b] = true;
            adj[b][a] = true;
        }
        adj
    }

    fn sorted(mut cliques: Vec<Vec<usize>>) -> Vec<Vec<usize>> {
        for c in &mut cliques {
            c.sort_unstable();
        }
        cliques.sort();
        cliques
    }

    #[test]
    fn maximal_cliques_of_a_clique_less_one_edge() {
        // 0–1 do not conflict (back to back at one venue); 2 conflicts with both.
        let adj = graph(3, &[(0, 2), (1, 2)]);
        assert_eq!(
            sorted(maximal_cliques(&adj, 10).expect("few")),
            vec![vec![0, 2], vec![1, 2]]
        );
        // Two missing edges, disjoint: four cliques; with a limit of 3, none.
        let adj = graph(4, &[(0, 2), (0, 3), (1, 2), (1, 3)]);
        assert_eq!(
            sorted(maximal_cliques(&adj, 10).expect("few")),
            vec![vec![0, 2], vec![0, 3], vec![1, 2], vec![1, 3]]
        );
        assert_eq!(maximal_cliques(&adj, 3), None);
        // An isolated vertex is a clique of its own (dropped by the caller).
        assert_eq!(
            sorted(maximal_cliques(&graph(2, &[]), 10).expect("few")),
            vec![vec![0], vec![1]]
        );
    }
}
