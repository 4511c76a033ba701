//! White spots as a table for the terminal and as GeoJSON points for a map.

use std::fmt::Write;

use crate::i18n::Lang;
use crate::whitespots::{Gap, WhiteSpot};

/// The white spots as GeoJSON points, for a map.
pub fn whitespots_geojson(spots: &[WhiteSpot]) -> serde_json::Value {
    serde_json::json!({
        "type": "FeatureCollection",
        "features": spots.iter().map(|s| serde_json::json!({
            "type": "Feature",
            "geometry": { "type": "Point", "coordinates": [s.lon, s.lat] },
            "properties": s,
        })).collect::<Vec<_>>(),
    })
}

/// One line per white spot, most seniors affected first.
pub fn whitespots_table(spots: &[WhiteSpot], lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<22} {:<20} {:>10} {:>14}  {}",
        lang.pick("Kommune", "Municipality"),
        lang.pick("Fylke", "County"),
        lang.pick("Innbyggere", "Population"),
        lang.pick("Km utenfor", "Km short"),
        lang.pick("Hvorfor", "Why"),
    );
    for s in spots {
        let why = why(s, lang);
        let short = s
            .km_short
            .map_or_else(|| "–".to_owned(), |k| lang.number(k.max(0.0), 0));
        let _ = writeln!(
            out,
            "{:<22} {:<20} {:>10} {:>14}  {why}",
            s.municipality,
            s.county,
            lang.number(s.population as f64, 0),
            short,
        );
    }
    if spots.is_empty() {
        out.push_str(lang.pick(
            "Ingen hvite flekker: alle kommuner i området har en forening eller en instruktør innen rekkevidde.\n",
            "No white spots: every municipality in the area has an association or an instructor in reach.\n",
        ));
    } else {
        // The next step a planner can take from here, on the same data.
        out.push_str(lang.pick(
            "\nPrøv en planlagt forening: se [[add_associations]] og [[add_requests]] i en scenariofil.\n",
            "\nTry a planned association: see [[add_associations]] and [[add_requests]] in a scenario file.\n",
        ));
    }
    out
}

/// Why a place is a white spot, in a few words.
pub fn why(s: &WhiteSpot, lang: Lang) -> String {
    match &s.gap {
        Gap::NoAssociation => lang
            .pick(
                "ingen forening, og ingen instruktør når fram",
                "no association, and no instructor reaches it",
            )
            .to_owned(),
        Gap::UnmetAssociation {
            association_name,
            requests,
            ..
        } => match lang {
            Lang::Nb => format!(
                "{association_name}: ingen instruktør innen rekkevidde kan ta noen av de {requests} forespørslene"
            ),
            Lang::En => format!(
                "{association_name}: no instructor in reach can take any of its {requests} requests"
            ),
        },
    }
}
