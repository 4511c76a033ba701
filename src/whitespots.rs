//! White spots (issue 13, part 4): where seniors have nobody to turn to.
//!
//! Two kinds, from the reference municipalities (population, one point each) and a dataset:
//!
//! - a **municipality with no association** whose point no instructor can reach (one-way road
//!   km from their home — the hub when they gave none — within their own `max_km`);
//! - a **small association whose demand no hub can meet**: none of its requests has an
//!   instructor in reach who teaches the topic in the language.
//!
//! Both are ranked by the seniors affected. The reference table has the population of each
//! municipality and no age profile, so the ranking is by population (the share of seniors
//! is near-uniform enough at this scale that the order holds; an age column, if the table
//! gains one, is the place to refine it).
//!
//! Only the counties the dataset has associations in are looked at, unless the whole
//! country is asked for: a cluster in Trøndelag is not the one to fill a gap in Agder.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::generate::Municipality;
use crate::model::{Association, AssociationKind, Dataset, LatLon};
use crate::travel::{TravelParams, geodesic_km};

/// Why a place is a white spot.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Gap {
    /// No association in the municipality, and no instructor reaches it.
    NoAssociation,
    /// A small association none of whose requests any instructor in reach can teach.
    UnmetAssociation {
        association: String,
        association_name: String,
        requests: usize,
    },
}

/// One white spot.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WhiteSpot {
    pub municipality: String,
    pub number: String,
    pub county: String,
    pub population: u64,
    pub lat: f64,
    pub lon: f64,
    /// How far beyond reach the nearest instructor is, in road km (`None`: no instructors).
    pub km_short: Option<f64>,
    #[serde(flatten)]
    pub gap: Gap,
}

/// Where to look.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Region {
    /// The counties the dataset has associations in.
    #[default]
    DatasetCounties,
    /// All of Norway.
    Country,
}

/// The white spots of `ds` among `municipalities`, most seniors affected first.
pub fn white_spots(
    ds: &Dataset,
    municipalities: &[Municipality],
    travel: TravelParams,
    region: Region,
) -> Vec<WhiteSpot> {
    let homes: Vec<(LatLon, f64)> = ds
        .instructors
        .iter()
        .filter_map(|i| Some((ds.home_of(i)?, i.max_km)))
        .collect();
    // How far beyond the nearest instructor's reach a point is (≤ 0: in reach).
    let short_of = |p: LatLon| -> Option<f64> {
        homes
            .iter()
            .map(|(home, max_km)| geodesic_km(*home, p) * travel.detour_factor - max_km)
            .min_by(f64::total_cmp)
    };
    let counties = dataset_counties(ds, municipalities);
    let served: BTreeSet<&str> = ds
        .associations
        .iter()
        .filter_map(|a| home_of_association(a, municipalities).map(|m| m.number.as_str()))
        .collect();
    let looked_at =
        |m: &Municipality| region == Region::Country || counties.contains(m.county.as_str());
    let spot = |m: &Municipality, km_short: Option<f64>, gap: Gap| WhiteSpot {
        municipality: m.name.clone(),
        number: m.number.clone(),
        county: m.county.clone(),
        population: m.population,
        lat: m.location.lat,
        lon: m.location.lon,
        km_short: km_short.map(|k| (k * 10.0).round() / 10.0),
        gap,
    };

    let mut out = Vec::new();
    for m in municipalities.iter().filter(|m| looked_at(m)) {
        if served.contains(m.number.as_str()) {
            continue;
        }
        let short = short_of(m.location);
        if short.is_none_or(|k| k > 0.0) {
            out.push(spot(m, short, Gap::NoAssociation));
        }
    }
    for a in ds
        .associations
        .iter()
        .filter(|a| a.kind == AssociationKind::Small)
    {
        let requests: Vec<_> = ds
            .requests
            .iter()
            .filter(|r| r.association == a.id)
            .collect();
        if requests.is_empty() {
            continue;
        }
        let venue_reachable_by = |r: &crate::model::Request, i: &crate::model::Instructor| {
            let (Some(home), Some(venue)) = (ds.home_of(i), ds.venue_of(r)) else {
                return false;
            };
            geodesic_km(home, venue) * travel.detour_factor <= i.max_km
                && i.topics.contains(&r.topic)
                && i.languages.contains(&r.language)
        };
        let met = requests
            .iter()
            .any(|r| ds.instructors.iter().any(|i| venue_reachable_by(r, i)));
        if met {
            continue;
        }
        if let Some(m) = home_of_association(a, municipalities).filter(|m| looked_at(m)) {
            out.push(spot(
                m,
                short_of(a.location()),
                Gap::UnmetAssociation {
                    association: a.id.clone(),
                    association_name: a.name.clone(),
                    requests: requests.len(),
                },
            ));
        }
    }
    out.sort_by(|a, b| {
        b.population
            .cmp(&a.population)
            .then_with(|| a.number.cmp(&b.number))
    });
    out
}

/// The municipalities `white_spots` looks at for `region`: those of the counties the
/// dataset has associations in, or all of them.
pub fn region_municipalities<'m>(
    ds: &Dataset,
    municipalities: &'m [Municipality],
    region: Region,
) -> Vec<&'m Municipality> {
    let counties = dataset_counties(ds, municipalities);
    municipalities
        .iter()
        .filter(|m| region == Region::Country || counties.contains(m.county.as_str()))
        .collect()
}

/// The counties the dataset has associations in.
fn dataset_counties<'m>(ds: &Dataset, municipalities: &'m [Municipality]) -> BTreeSet<&'m str> {
    ds.associations
        .iter()
        .filter_map(|a| home_of_association(a, municipalities).map(|m| m.county.as_str()))
        .collect()
}

/// The municipality an association is in: the one it names, or else the one whose point is
/// nearest (a name may be misspelt or out of date after a merger).
fn home_of_association<'m>(
    a: &Association,
    municipalities: &'m [Municipality],
) -> Option<&'m Municipality> {
    municipalities
        .iter()
        .find(|m| m.name.eq_ignore_ascii_case(a.municipality.trim()))
        .or_else(|| {
            municipalities.iter().min_by(|x, y| {
                geodesic_km(x.location, a.location())
                    .total_cmp(&geodesic_km(y.location, a.location()))
            })
        })
}
