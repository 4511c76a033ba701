//! A rota rendered for people and other programs: a table, CSV, JSON, iCalendar, GeoJSON,
//! and an HTML report comparing runs.

mod geojson;
mod ics;
pub mod report;

pub use geojson::to_geojson;
pub use ics::to_ics;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::i18n::{Lang, Localized};
use crate::model::{Dataset, Session};
use crate::plan::calendar::sessions_of;
use crate::plan::{Assignment, Uncovered};

/// How the table is grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum GroupBy {
    Association,
    Instructor,
}

/// One assignment, with the names and sessions a reader needs.
#[derive(Clone, Debug, Serialize)]
pub struct RotaEntry {
    pub request: String,
    pub association: String,
    pub association_name: String,
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
                topic: r.topic.clone(),
                language: r.language.clone(),
                instructor: i.id.clone(),
                instructor_name: i.name.clone(),
                km_one_way: a.km,
                travel_minutes: a.minutes,
                venue_lat: venue.lat,
                venue_lon: venue.lon,
                sessions: sessions_of(r),
            });
        }
        let uncovered = uncovered
            .iter()
            .map(|u| UncoveredEntry {
                request: u.request.clone(),
                association: ds
                    .requests
                    .iter()
                    .find(|r| r.id == u.request)
                    .map(|r| r.association.clone())
                    .unwrap_or_default(),
                reasons: u.reasons.iter().map(|r| r.localized(lang)).collect(),
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

    /// A plain-text table, grouped by association or by instructor.
    pub fn to_table(&self, by: GroupBy, lang: Lang) -> String {
        let mut groups: BTreeMap<String, Vec<&RotaEntry>> = BTreeMap::new();
        for e in &self.entries {
            let key = match by {
                GroupBy::Association => format!("{} ({})", e.association_name, e.association),
                GroupBy::Instructor => format!("{} ({})", e.instructor_name, e.instructor),
            };
            groups.entry(key).or_default().push(e);
        }
        let mut out = String::new();
        let other = match by {
            GroupBy::Association => lang.pick("Instruktør", "Instructor"),
            GroupBy::Instructor => lang.pick("Forening", "Association"),
        };
        for (group, entries) in groups {
            let _ = writeln!(out, "{group}");
            let _ = writeln!(
                out,
                "  {:<8} {:<18} {:<5} {:<38} {:<26} {:>6}",
                lang.pick("Forespørsel", "Request")
                    .chars()
                    .take(8)
                    .collect::<String>(),
                lang.pick("Emne", "Topic"),
                lang.pick("Språk", "Lang"),
                lang.pick("Økter", "Sessions"),
                other,
                "km"
            );
            for e in entries {
                let who = match by {
                    GroupBy::Association => e.instructor_name.clone(),
                    GroupBy::Instructor => e.association_name.clone(),
                };
                let _ = writeln!(
                    out,
                    "  {:<8} {:<18} {:<5} {:<38} {:<26} {:>6.1}",
                    e.request,
                    e.topic,
                    e.language,
                    sessions_summary(&e.sessions, lang),
                    who,
                    e.km_one_way
                );
            }
            out.push('\n');
        }
        if !self.uncovered.is_empty() {
            let _ = writeln!(out, "{}", lang.pick("Ikke dekket", "Not covered"));
            for u in &self.uncovered {
                let _ = writeln!(
                    out,
                    "  {} ({}): {}",
                    u.request,
                    u.association,
                    u.reasons.join("; ")
                );
            }
        }
        out
    }

    /// One CSV row per session and instructor.
    pub fn to_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record([
            "run",
            "request",
            "association",
            "topic",
            "language",
            "date",
            "start",
            "end",
            "instructor",
            "instructor_name",
            "km_one_way",
            "travel_minutes",
            "venue_lat",
            "venue_lon",
        ]);
        for e in &self.entries {
            for s in &e.sessions {
                let _ = w.write_record([
                    self.run.to_string(),
                    e.request.clone(),
                    e.association.clone(),
                    e.topic.clone(),
                    e.language.clone(),
                    s.date.to_string(),
                    s.start.to_string(),
                    s.end.to_string(),
                    e.instructor.clone(),
                    e.instructor_name.clone(),
                    format!("{:.1}", e.km_one_way),
                    e.travel_minutes.to_string(),
                    e.venue_lat.to_string(),
                    e.venue_lon.to_string(),
                ]);
            }
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("plain data always serializes")
    }
}

/// "8 × tor 10:00–12:00 fra 2027-01-14", or the first date and the count.
fn sessions_summary(sessions: &[Session], lang: Lang) -> String {
    use chrono::Datelike;
    let Some(first) = sessions.first() else {
        return String::new();
    };
    let day = match (lang, first.date.weekday()) {
        (Lang::Nb, w) => {
            ["man", "tir", "ons", "tor", "fre", "lør", "søn"][w.num_days_from_monday() as usize]
        }
        (Lang::En, w) => {
            ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][w.num_days_from_monday() as usize]
        }
    };
    format!(
        "{} × {day} {}–{} {} {}",
        sessions.len(),
        first.start,
        first.end,
        lang.pick("fra", "from"),
        first.date
    )
}
