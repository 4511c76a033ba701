//! Travel between an instructor's home and a venue: one-way km and whole minutes.
//!
//! By default the distance is the geodesic distance on WGS84 (Karney's method) times a
//! detour factor, since roads are rarely straight; a travel table with measured figures
//! overrides it for the pairs it lists.

use std::collections::HashMap;

use geo::{Distance, Geodesic, Point};
use serde::{Deserialize, Serialize};

use crate::model::{LatLon, TravelRow};

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

/// The travel model of a scenario: parameters plus the travel table, if any.
#[derive(Clone, Debug, Default)]
pub struct TravelModel {
    pub params: TravelParams,
    table: HashMap<(String, String), (f64, Option<u32>)>,
}

impl TravelModel {
    pub fn new(params: TravelParams, rows: &[TravelRow]) -> Self {
        let table = rows
            .iter()
            .map(|t| ((t.from.clone(), t.to.clone()), (t.km, t.minutes)))
            .collect();
        TravelModel { params, table }
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
        let row = self
            .table
            .get(&(instructor.to_owned(), to.to_owned()))
            .or_else(|| self.table.get(&(hub.to_owned(), to.to_owned())));
        match row {
            Some(&(km, minutes)) => Travel {
                km,
                minutes: minutes.unwrap_or_else(|| minutes_for(km, self.params.speed_kmh)),
            },
            None => {
                let km = geodesic_km(home, venue) * self.params.detour_factor;
                Travel {
                    km,
                    minutes: minutes_for(km, self.params.speed_kmh),
                }
            }
        }
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
