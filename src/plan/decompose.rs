//! Decomposition: the connected components of the eligibility graph (instructors and
//! requests as nodes, eligible pairs as edges) share nothing, so each is its own problem.

use petgraph::graph::{NodeIndex, UnGraph};

use super::eligibility::Eligibility;

/// One independent subproblem: sorted request, instructor and pair indices.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Component {
    pub requests: Vec<usize>,
    pub instructors: Vec<usize>,
    pub pairs: Vec<usize>,
}

impl Component {
    /// A measure of how hard the component is, for sharing out the time limit.
    pub fn size(&self) -> usize {
        self.pairs.len() + self.requests.len()
    }
}

/// The components with at least one eligible pair, largest first.
pub fn components(elig: &Eligibility, n_instructors: usize, n_requests: usize) -> Vec<Component> {
    let mut graph: UnGraph<(), ()> =
        UnGraph::with_capacity(n_instructors + n_requests, elig.pairs.len());
    for _ in 0..n_instructors + n_requests {
        graph.add_node(());
    }
    for p in &elig.pairs {
        graph.add_edge(NodeIndex::new(p.i), NodeIndex::new(n_instructors + p.r), ());
    }
    let mut comps: Vec<Component> = Vec::new();
    for scc in petgraph::algo::kosaraju_scc(&graph) {
        let mut c = Component::default();
        for node in scc {
            let k = node.index();
            if k < n_instructors {
                c.instructors.push(k);
                c.pairs.extend(&elig.by_instructor[k]);
            } else {
                c.requests.push(k - n_instructors);
            }
        }
        if c.pairs.is_empty() {
            continue;
        }
        c.requests.sort_unstable();
        c.instructors.sort_unstable();
        c.pairs.sort_unstable();
        comps.push(c);
    }
    comps.sort_by_key(|c| std::cmp::Reverse(c.size()));
    comps
}

/// Merges components whose requests share a key (e.g. their association), for objectives
/// that couple them. Keeps the largest-first order.
pub fn merge_by<'a>(comps: Vec<Component>, key: impl Fn(usize) -> &'a str) -> Vec<Component> {
    merge_where(comps, |c| {
        c.requests.iter().map(|&r| key(r).to_owned()).collect()
    })
}

/// Merges components that share any of the keys `keys` gives them (for constraints that
/// couple them: a hub's lending cap). Keeps the largest-first order.
pub fn merge_where(
    comps: Vec<Component>,
    keys: impl Fn(&Component) -> Vec<String>,
) -> Vec<Component> {
    let mut uf = petgraph::unionfind::UnionFind::<usize>::new(comps.len());
    let mut first: std::collections::HashMap<String, usize> = Default::default();
    for (c, comp) in comps.iter().enumerate() {
        for k in keys(comp) {
            match first.get(&k) {
                Some(&other) => {
                    uf.union(other, c);
                }
                None => {
                    first.insert(k, c);
                }
            }
        }
    }
    let mut merged: std::collections::BTreeMap<usize, Component> = Default::default();
    for (c, comp) in comps.into_iter().enumerate() {
        let m = merged.entry(uf.find(c)).or_default();
        m.requests.extend(comp.requests);
        m.instructors.extend(comp.instructors);
        m.pairs.extend(comp.pairs);
    }
    let mut out: Vec<Component> = merged
        .into_values()
        .map(|mut c| {
            c.requests.sort_unstable();
            c.instructors.sort_unstable();
            c.pairs.sort_unstable();
            c
        })
        .collect();
    out.sort_by_key(|c| std::cmp::Reverse(c.size()));
    out
}
