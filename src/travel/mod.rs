//! Travel between an instructor's home and a venue: one-way km and whole minutes.
//!
//! By default the distance is the geodesic distance on WGS84 (Karney's method) times a
//! detour factor, since roads are rarely straight; a road and ferry network (`network.rs`)
//! replaces it between points that join the network at different nodes, and a travel table
//! with measured figures overrides both for the pairs it lists.

pub mod network;

use std::collections::HashMap;
use std::sync::Arc;

use geo::{Distance, Geodesic, Point};
use serde::{Deserialize, Serialize};

use crate::model::{Dataset, LatLon, TravelRow};

use network::Network;

/// One-way travel from an instructor's home to a venue.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Travel {
    pub km: f64,
    pub minutes: u32,
}

/// How straight-line distances become road figures.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TravelParams {
    /// Road km per geodesic km (default 1.3).
    pub detour_factor: f64,
    /// Average speed used to turn km into minutes (default 60 km/h).
    pub speed_kmh: f64,
}

impl Default for TravelParams {
    fn default() -> Self {
        TravelParams {
            detour_factor: 1.3,
            speed_kmh: 60.0,
        }
    }
}

/// Geodesic distance in km between two points on WGS84.
pub fn geodesic_km(a: LatLon, b: LatLon) -> f64 {
    Geodesic.distance(Point::new(a.lon, a.lat), Point::new(b.lon, b.lat)) / 1000.0
}

/// Whole minutes to drive `km` at `speed_kmh`, rounded up.
pub fn minutes_for(km: f64, speed_kmh: f64) -> u32 {
    // The small tolerance keeps e.g. 60 km at 60 km/h at exactly 60 minutes.
    ((km / speed_kmh * 60.0) - 1e-9).ceil().max(0.0) as u32
}

/// The travel model of a scenario: parameters plus the travel table and the road and
/// ferry network, if any.
#[derive(Clone, Debug, Default)]
pub struct TravelModel {
    pub params: TravelParams,
    /// Travel table rows by `from` (an instructor or a hub), then by `to` (an association):
    /// looked up with borrowed ids, so that a lookup allocates nothing.
    table: HashMap<String, HashMap<String, (f64, Option<u32>)>>,
    /// Shared, so that clones share the caches of shortest paths.
    network: Option<Arc<Network>>,
}

impl TravelModel {
    /// The model with a travel table and no network.
    pub fn new(params: TravelParams, rows: &[TravelRow]) -> Self {
        let mut table: HashMap<String, HashMap<String, (f64, Option<u32>)>> = HashMap::new();
        for t in rows {
            // A later row for the same pair wins, as it did when the table was one map.
            table
                .entry(t.from.clone())
                .or_default()
                .insert(t.to.clone(), (t.km, t.minutes));
        }
        TravelModel {
            params,
            table,
            network: None,
        }
    }

    /// The model of a dataset: its travel table and its network.
    pub fn for_dataset(params: TravelParams, ds: &Dataset) -> Self {
        TravelModel {
            network: Network::from_dataset(ds).map(Arc::new),
            ..TravelModel::new(params, &ds.travel)
        }
    }

    /// Travel from `instructor` (living at `home`, lent by `hub`) to a venue of the
    /// association `to` at `venue`: the table row for the instructor, else for the hub,
    /// else the geodesic estimate.
    pub fn travel(
        &self,
        instructor: &str,
        hub: &str,
        home: LatLon,
        to: &str,
        venue: LatLon,
    ) -> Travel {
        self.table_row(instructor, hub, to)
            .unwrap_or_else(|| self.between(home, venue))
    }

    /// The travel table's figures for `instructor` (or else their `hub`) to association
    /// `to`, if the table lists either.
    pub fn table_row(&self, instructor: &str, hub: &str, to: &str) -> Option<Travel> {
        if self.table.is_empty() {
            return None;
        }
        let row = |from: &str| self.table.get(from).and_then(|m| m.get(to));
        let &(km, minutes) = row(instructor).or_else(|| row(hub))?;
        Some(Travel {
            km,
            minutes: minutes.unwrap_or_else(|| minutes_for(km, self.params.speed_kmh)),
        })
    }

    /// Travel between two points where no table row applies: by the network where it
    /// connects them, else the estimate. Depends on the points alone, so callers may keep
    /// it per pair of points (`plan::Instance` does).
    pub fn between(&self, home: LatLon, venue: LatLon) -> Travel {
        self.by_network(home, venue)
            .unwrap_or_else(|| self.estimate(home, venue))
    }

    /// The straight-line estimate: geodesic × detour factor, at the average speed.
    pub fn estimate(&self, from: LatLon, to: LatLon) -> Travel {
        let km = geodesic_km(from, to) * self.params.detour_factor;
        Travel {
            km,
            minutes: minutes_for(km, self.params.speed_kmh),
        }
    }

    /// Leg + quickest network path + leg, when both points join the network at different
    /// nodes that it connects. Taken even when slower than the estimate: the estimate
    /// crosses fjords in a straight line.
    fn by_network(&self, from: LatLon, to: LatLon) -> Option<Travel> {
        let net = self.network.as_ref()?;
        let (a, km_a) = net.join(from)?;
        let (b, km_b) = net.join(to)?;
        if a == b {
            return None;
        }
        let path = net.path(a, b)?;
        let leg = |geodesic: f64| {
            let km = geodesic * self.params.detour_factor;
            (km, minutes_for(km, self.params.speed_kmh))
        };
        let (leg_a, min_a) = leg(km_a);
        let (leg_b, min_b) = leg(km_b);
        Some(Travel {
            km: leg_a + path.km + leg_b,
            minutes: min_a.saturating_add(path.minutes).saturating_add(min_b),
        })
    }

    /// True when the table has any row (lookups can then not be skipped).
    pub fn has_table(&self) -> bool {
        !self.table.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRONDHEIM: LatLon = LatLon {
        lat: 63.4305,
        lon: 10.3951,
    };
    const OSLO: LatLon = LatLon {
        lat: 59.9139,
        lon: 10.7522,
    };

    #[test]
    fn geodesic_distance_matches_known_value() {
        // Trondheim–Oslo is about 392 km in a straight line.
        let km = geodesic_km(TRONDHEIM, OSLO);
        assert!((km - 392.0).abs() < 3.0, "got {km}");
        assert_eq!(geodesic_km(OSLO, OSLO), 0.0);
    }

    #[test]
    fn minutes_round_up_to_whole_minutes() {
        assert_eq!(minutes_for(60.0, 60.0), 60);
        assert_eq!(minutes_for(60.1, 60.0), 61);
        assert_eq!(minutes_for(0.0, 60.0), 0);
        assert_eq!(minutes_for(10.0, 40.0), 15);
    }

    #[test]
    fn table_overrides_geodesic_instructor_row_first() {
        let row = |from: &str, km: f64, minutes: Option<u32>| TravelRow {
            from: from.into(),
            to: "melhus".into(),
            km,
            minutes,
            origin: Default::default(),
        };
        let model = TravelModel::new(
            TravelParams::default(),
            &[row("hub", 30.0, Some(40)), row("kari", 25.0, None)],
        );
        let venue = LatLon {
            lat: 63.28,
            lon: 10.28,
        };
        assert_eq!(
            model.travel("kari", "hub", TRONDHEIM, "melhus", venue),
            Travel {
                km: 25.0,
                minutes: 25
            }
        );
        assert_eq!(
            model.travel("ola", "hub", TRONDHEIM, "melhus", venue),
            Travel {
                km: 30.0,
                minutes: 40
            }
        );
        let est = model.travel("ola", "hub", TRONDHEIM, "skaun", venue);
        assert!((est.km - geodesic_km(TRONDHEIM, venue) * 1.3).abs() < 1e-9);
    }
}
