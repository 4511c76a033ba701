//! A rota rendered for people and other programs: a table, CSV, Excel, JSON, iCalendar,
//! GeoJSON, and an HTML report comparing runs. Every table-shaped output is a [`Sheet`]
//! first (`sheet.rs`), which `csv.rs` and `xlsx.rs` render.

mod csv;
mod geojson;
mod hours;
mod ics;
mod json;
pub mod report;
mod sheet;
mod table;
pub mod text;
mod whitespots;
mod xlsx;

pub use csv::CsvDialect;
pub use geojson::to_geojson;
pub use hours::{hours_csv, hours_sheet, hours_table};
pub use ics::{Event, Revisions, RotaEvent, calendar, rota_calendar, rota_events, session_uid};
pub use sheet::{Cell, Column, Section, Sheet, Style, runs_sheet};
pub use table::runs_table;
pub use whitespots::{whitespots_geojson, whitespots_sheet, whitespots_table};
pub use xlsx::to_xlsx;

use serde::Serialize;

use crate::i18n::{Lang, Localized};
use crate::model::{Dataset, Session};
use crate::plan::{Assignment, Uncovered};

/// How the table is grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupBy {
    Association,
    Instructor,
}

impl GroupBy {
    pub const NAMES: [&'static str; 2] = ["association", "instructor"];
}

impl std::str::FromStr for GroupBy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "association" => Ok(GroupBy::Association),
            "instructor" => Ok(GroupBy::Instructor),
            other => Err(format!("unknown grouping {other}")),
        }
    }
}

/// One assignment, with the names and sessions a reader needs.
#[derive(Clone, Debug, Serialize)]
pub struct RotaEntry {
    pub request: String,
    pub association: String,
    pub association_name: String,
    /// The association's municipality, for a calendar's LOCATION.
    pub municipality: String,
    pub topic: String,
    pub language: String,
    pub instructor: String,
    pub instructor_name: String,
    pub km_one_way: f64,
    pub travel_minutes: u32,
    pub venue_lat: f64,
    pub venue_lon: f64,
    pub sessions: Vec<Session>,
}

/// A rota joined with its dataset.
#[derive(Clone, Debug, Serialize)]
pub struct Rota {
    pub run: i64,
    pub entries: Vec<RotaEntry>,
    pub uncovered: Vec<UncoveredEntry>,
}

#[derive(Clone, Debug, Serialize)]
pub struct UncoveredEntry {
    pub request: String,
    pub association: String,
    /// The association's display name, for people.
    pub association_name: String,
    pub reasons: Vec<String>,
}

impl Rota {
    /// Joins assignments with the dataset. Entries for requests or instructors the dataset
    /// does not know are skipped (the checker reports those).
    pub fn new(
        run: i64,
        ds: &Dataset,
        assignments: &[Assignment],
        uncovered: &[Uncovered],
        lang: Lang,
    ) -> Rota {
        let mut entries = Vec::new();
        for a in assignments {
            let (Some(r), Some(i)) = (
                ds.requests.iter().find(|r| r.id == a.request),
                ds.instructors.iter().find(|i| i.id == a.instructor),
            ) else {
                continue;
            };
            let assoc = ds.association(&r.association);
            let venue = ds
                .venue_of(r)
                .unwrap_or(crate::model::LatLon { lat: 0.0, lon: 0.0 });
            entries.push(RotaEntry {
                request: r.id.clone(),
                association: r.association.clone(),
                association_name: assoc.map(|a| a.name.clone()).unwrap_or_default(),
                municipality: assoc.map(|a| a.municipality.clone()).unwrap_or_default(),
                topic: r.topic.clone(),
                language: r.language.clone(),
                instructor: i.id.clone(),
                instructor_name: i.name.clone(),
                km_one_way: a.km,
                travel_minutes: a.minutes,
                venue_lat: venue.lat,
                venue_lon: venue.lon,
                sessions: r.part_sessions(a.part),
            });
        }
        let uncovered = uncovered
            .iter()
            .map(|u| {
                let association = ds
                    .requests
                    .iter()
                    .find(|r| r.id == u.request)
                    .map(|r| r.association.clone())
                    .unwrap_or_default();
                UncoveredEntry {
                    request: u.label(lang),
                    association_name: ds
                        .association(&association)
                        .map_or_else(|| association.clone(), |a| a.name.clone()),
                    association,
                    reasons: u.reasons.iter().map(|r| r.localized(lang)).collect(),
                }
            })
            .collect();
        Rota {
            run,
            entries,
            uncovered,
        }
    }

    /// Keeps only one instructor's or one association's entries.
    pub fn filter(mut self, instructor: Option<&str>, association: Option<&str>) -> Rota {
        self.entries.retain(|e| {
            instructor.is_none_or(|i| e.instructor == i)
                && association.is_none_or(|a| e.association == a)
        });
        if instructor.is_some() {
            self.uncovered.clear();
        }
        if let Some(a) = association {
            self.uncovered.retain(|u| u.association == a);
        }
        self
    }
}

/// `part` as a percentage of `whole` with one decimal, or a dash when `whole` is 0.
pub(crate) fn pct(a: f64, b: f64) -> String {
    if b > 0.0 {
        format!("{:.1} %", 100.0 * a / b)
    } else {
        "–".into()
    }
}
