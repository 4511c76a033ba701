//! White spots as a table for the terminal, as a sheet for files, and as GeoJSON points
//! for a map.

use std::fmt::Write;

use super::sheet::{Cell, Column, Section, Sheet};
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

/// One row per white spot, most seniors affected first.
pub fn whitespots_sheet(spots: &[WhiteSpot], lang: Lang) -> Sheet {
    let columns = vec![
        Column::new("municipality", lang.pick("Kommune", "Municipality")),
        Column::new("number", lang.pick("Kommunenummer", "Municipality number")),
        Column::new("county", lang.pick("Fylke", "County")),
        Column::new("population", lang.pick("Innbyggere", "Population")),
        Column::new("km_short", lang.pick("Km utenfor", "Km short")),
        Column::new("kind", lang.pick("Slag", "Kind")),
        Column::new("why", lang.pick("Hvorfor", "Why")),
        Column::new("lat", lang.pick("Breddegrad", "Latitude")),
        Column::new("lon", lang.pick("Lengdegrad", "Longitude")),
    ];
    let rows = spots
        .iter()
        .map(|s| {
            let kind = match s.gap {
                Gap::NoAssociation => Cell::Term {
                    code: "no_association",
                    name: lang.pick("ingen forening", "no association").to_owned(),
                },
                Gap::UnmetAssociation { .. } => Cell::Term {
                    code: "unmet_association",
                    name: lang
                        .pick("forening uten hjelp", "association unserved")
                        .to_owned(),
                },
            };
            vec![
                Cell::text(&s.municipality),
                Cell::text(&s.number),
                Cell::text(&s.county),
                Cell::Int(i64::try_from(s.population).unwrap_or(i64::MAX)),
                s.km_short
                    .map_or(Cell::Empty, |k| Cell::number(k.max(0.0), 0)),
                kind,
                Cell::Text(why(s, lang)),
                Cell::Number {
                    value: s.lat,
                    decimals: None,
                },
                Cell::Number {
                    value: s.lon,
                    decimals: None,
                },
            ]
        })
        .collect();
    Sheet {
        sections: vec![Section {
            name: lang.pick("Hvite flekker", "White spots").to_owned(),
            columns,
            rows,
        }],
    }
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
