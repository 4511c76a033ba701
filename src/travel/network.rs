//! The road and ferry network (`places.csv`, `network.csv`): shortest paths by minutes,
//! with a ferry's mean wait counted, and how a point off the network joins it.
//!
//! A point joins at its nearest node within `SNAP_KM`; between two points that join at
//! different connected nodes, the route is leg + shortest path + leg (docs/model.md §3).
//! Many instructors share a hub and many requests an association, so shortest paths are
//! cached per source node and snapping per point.

use std::collections::HashMap;
use std::ops::Add;
use std::sync::{Arc, RwLock};

use petgraph::graph::{NodeIndex, UnGraph};

use crate::model::{Dataset, LatLon};

use super::geodesic_km;

/// A point farther than this from every node is off the network (geodesic km).
pub const SNAP_KM: f64 = 10.0;

/// The cost of a path: minutes first, then km, so that Dijkstra finds the quickest path
/// and, among equally quick ones, the shortest; km are summed along the chosen path.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Cost {
    pub minutes: u32,
    pub km: f64,
}

impl PartialOrd for Cost {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(
            self.minutes
                .cmp(&other.minutes)
                .then(self.km.total_cmp(&other.km)),
        )
    }
}

impl Add for Cost {
    type Output = Cost;
    fn add(self, other: Cost) -> Cost {
        Cost {
            minutes: self.minutes.saturating_add(other.minutes),
            km: self.km + other.km,
        }
    }
}

type Paths = Arc<HashMap<NodeIndex, Cost>>;

/// The network as a graph, with its caches.
#[derive(Debug)]
pub struct Network {
    graph: UnGraph<String, Cost>,
    /// Where each node is, in node order.
    at: Vec<LatLon>,
    paths: RwLock<HashMap<NodeIndex, Paths>>,
    snaps: RwLock<HashMap<(u64, u64), Option<NodeIndex>>>,
}

impl Network {
    /// The network of a dataset; `None` when it has no edges. Nodes are the places that
    /// some edge names (a `places.csv` id or an association id); an edge naming neither is
    /// left out (validation reports it).
    pub fn from_dataset(ds: &Dataset) -> Option<Network> {
        if ds.network.is_empty() {
            return None;
        }
        let mut located: HashMap<&str, LatLon> = ds
            .associations
            .iter()
            .map(|a| (a.id.as_str(), a.location()))
            .collect();
        for p in &ds.places {
            located.insert(
                p.id.as_str(),
                LatLon {
                    lat: p.lat,
                    lon: p.lon,
                },
            );
        }
        let mut graph = UnGraph::new_undirected();
        let mut at = Vec::new();
        let mut index: HashMap<&str, NodeIndex> = HashMap::new();
        let mut node = |id: &str, graph: &mut UnGraph<String, Cost>| -> Option<NodeIndex> {
            if let Some(&n) = index.get(id) {
                return Some(n);
            }
            let (key, &pos) = located.get_key_value(id)?;
            let n = graph.add_node(id.to_owned());
            at.push(pos);
            index.insert(key, n);
            Some(n)
        };
        for e in &ds.network {
            let (Some(a), Some(b)) = (node(&e.from, &mut graph), node(&e.to, &mut graph)) else {
                continue;
            };
            let cost = Cost {
                minutes: e.total_minutes(),
                km: e.km,
            };
            graph.add_edge(a, b, cost);
        }
        Some(Network {
            graph,
            at,
            paths: RwLock::new(HashMap::new()),
            snaps: RwLock::new(HashMap::new()),
        })
    }

    /// The node a point joins at, with the geodesic km to it: the nearest node (ties by
    /// place id), if within `SNAP_KM`.
    pub fn join(&self, p: LatLon) -> Option<(NodeIndex, f64)> {
        let key = (p.lat.to_bits(), p.lon.to_bits());
        let cached = self.snaps.read().ok().and_then(|s| s.get(&key).copied());
        let node = match cached {
            Some(n) => n,
            None => {
                let n = self.nearest(p);
                if let Ok(mut s) = self.snaps.write() {
                    s.insert(key, n);
                }
                n
            }
        };
        node.map(|n| (n, geodesic_km(p, self.at[n.index()])))
    }

    fn nearest(&self, p: LatLon) -> Option<NodeIndex> {
        self.graph
            .node_indices()
            .map(|n| (n, geodesic_km(p, self.at[n.index()])))
            .filter(|&(_, km)| km <= SNAP_KM)
            .min_by(|a, b| {
                a.1.total_cmp(&b.1)
                    .then_with(|| self.graph[a.0].cmp(&self.graph[b.0]))
            })
            .map(|(n, _)| n)
    }

    /// The quickest path from `a` to `b`, if the network connects them.
    pub fn path(&self, a: NodeIndex, b: NodeIndex) -> Option<Cost> {
        let cached = self.paths.read().ok().and_then(|p| p.get(&a).cloned());
        let from_a = match cached {
            Some(p) => p,
            None => {
                let scores = petgraph::algo::dijkstra(&self.graph, a, None, |e| *e.weight());
                let p: Paths = Arc::new(scores.into_iter().collect());
                if let Ok(mut paths) = self.paths.write() {
                    paths.insert(a, p.clone());
                }
                p
            }
        };
        from_a.get(&b).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{NetworkEdge, Place};

    fn place(id: &str, lat: f64, lon: f64) -> Place {
        Place {
            id: id.into(),
            name: id.into(),
            lat,
            lon,
            origin: Default::default(),
        }
    }

    fn edge(from: &str, to: &str, km: f64, minutes: u32, wait: Option<u32>) -> NetworkEdge {
        NetworkEdge {
            from: from.into(),
            to: to.into(),
            km,
            minutes,
            ferry: wait.is_some(),
            wait_minutes: wait,
            origin: Default::default(),
        }
    }

    #[test]
    fn the_quickest_path_wins_and_its_km_are_summed() {
        // a–b–c by road: 30 + 30 min, 40 + 40 km; a–c by ferry: 20 min + 15 wait, 10 km.
        // The ferry (35 min) beats the road (60 min), so the path is 35 min and 10 km.
        let ds = Dataset {
            places: vec![
                place("a", 63.0, 10.0),
                place("b", 63.2, 10.0),
                place("c", 63.4, 10.0),
            ],
            network: vec![
                edge("a", "b", 40.0, 30, None),
                edge("b", "c", 40.0, 30, None),
                edge("c", "a", 10.0, 20, Some(15)),
            ],
            ..Dataset::default()
        };
        let net = Network::from_dataset(&ds).expect("a network");
        let (a, _) = net
            .join(LatLon {
                lat: 63.0,
                lon: 10.0,
            })
            .expect("a joins");
        let (c, _) = net
            .join(LatLon {
                lat: 63.4,
                lon: 10.0,
            })
            .expect("c joins");
        assert_eq!(
            net.path(a, c),
            Some(Cost {
                minutes: 35,
                km: 10.0
            })
        );
        // Far from every node: off the network.
        assert!(
            net.join(LatLon {
                lat: 60.0,
                lon: 5.0
            })
            .is_none()
        );
    }
}
