//! The rota as GeoJSON (RFC 7946) for GIS tools: associations as points, each assignment
//! as a line from the instructor's home to the venue.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::model::{AssociationKind, Dataset};
use crate::plan::Assignment;

/// A FeatureCollection. Coordinates are `[lon, lat]`, as GeoJSON wants them.
pub fn to_geojson(ds: &Dataset, assignments: &[Assignment]) -> String {
    let mut requested: BTreeMap<&str, usize> = BTreeMap::new();
    let mut covered: BTreeMap<&str, usize> = BTreeMap::new();
    // By part: all of a course, or each session of a drop-in or guidance.
    let staffed: std::collections::BTreeSet<(&str, Option<u32>)> = assignments
        .iter()
        .map(|a| (a.request.as_str(), a.part))
        .collect();
    for r in &ds.requests {
        for part in r.parts() {
            let n = part.sessions.len();
            *requested.entry(r.association.as_str()).or_default() += n;
            if staffed.contains(&(r.id.as_str(), part.index)) {
                *covered.entry(r.association.as_str()).or_default() += n;
            }
        }
    }
    let mut features: Vec<Value> = ds
        .associations
        .iter()
        .map(|a| {
            json!({
                "type": "Feature",
                "geometry": { "type": "Point", "coordinates": [a.lon, a.lat] },
                "properties": {
                    "kind": if a.kind == AssociationKind::Hub { "hub" } else { "small" },
                    "id": a.id,
                    "name": a.name,
                    "cluster": a.cluster,
                    "opt_in": a.opt_in,
                    "sessions_requested": requested.get(a.id.as_str()).copied().unwrap_or(0),
                    "sessions_covered": covered.get(a.id.as_str()).copied().unwrap_or(0),
                }
            })
        })
        .collect();
    for a in assignments {
        let (Some(r), Some(i)) = (
            ds.requests.iter().find(|r| r.id == a.request),
            ds.instructors.iter().find(|i| i.id == a.instructor),
        ) else {
            continue;
        };
        let (Some(home), Some(venue)) = (ds.home_of(i), ds.venue_of(r)) else {
            continue;
        };
        features.push(json!({
            "type": "Feature",
            "geometry": { "type": "LineString", "coordinates": [[home.lon, home.lat], [venue.lon, venue.lat]] },
            "properties": {
                "kind": "assignment",
                "request": r.id,
                "association": r.association,
                "instructor": i.id,
                "topic": r.topic,
                "km_one_way": a.km,
                "sessions": r.part_sessions(a.part).len(),
            }
        }));
    }
    serde_json::to_string_pretty(&json!({ "type": "FeatureCollection", "features": features }))
        .expect("plain data always serializes")
}
