//! Hard constraint 2, "no instructor in two places at once", as cliques.
//!
//! For one instructor, every session of every eligible request becomes an interval widened
//! by the travel time on both sides. Sweeping the intervals in time order, the requests
//! whose intervals cover the moment an interval starts form a clique: at most one of them
//! can be given to the instructor. Only distinct, maximal cliques are kept, so that the
//! model gets one row per clique instead of one per conflicting pair.

use super::eligibility::Eligibility;
use super::instance::{Instance, absolute_minute};

/// The maximal conflict cliques of instructor `i`, each a sorted list of pair indices
/// (into `Eligibility::pairs`) with at least two members.
pub fn cliques(inst: &Instance, elig: &Eligibility, i: usize) -> Vec<Vec<usize>> {
    // (time, is_start, pair index). Ends sort before starts at the same time: touching
    // intervals do not conflict.
    let mut events: Vec<(i64, bool, usize)> = Vec::new();
    for &p in &elig.by_instructor[i] {
        let pair = &elig.pairs[p];
        let m = i64::from(pair.travel.minutes);
        for s in &inst.sessions[pair.r] {
            let from = absolute_minute(s.date, s.start.minutes() - m);
            let to = absolute_minute(s.date, s.end.minutes() + m);
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
    found.sort();
    found.dedup();
    // Drop cliques contained in another (possible when a pair has several intervals).
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

fn is_subset(small: &[usize], big: &[usize]) -> bool {
    let mut it = big.iter();
    small.iter().all(|x| it.any(|y| y == x))
}

#[cfg(test)]
mod tests {
    use super::is_subset;

    #[test]
    fn subset_of_sorted_lists() {
        assert!(is_subset(&[1, 3], &[1, 2, 3]));
        assert!(!is_subset(&[1, 4], &[1, 2, 3]));
        assert!(is_subset(&[], &[1]));
    }
}
