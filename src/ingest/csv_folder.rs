//! The dataset as a folder of CSV files, the form a coordinator keeps in a spreadsheet.
//!
//! Reading one file into typed rows is `table.rs`; this module turns the rows of each
//! file into the dataset's records.

use std::collections::HashMap;
use std::path::Path;

use super::table::Table;
use crate::model::{
    Association, AssociationKind, Blackout, Dataset, Format, Instructor, NetworkEdge, Offer,
    OfferKind, Place, Problem, ProblemKind, Request, Series, Session, Slot, TravelRow,
    parse_weekday,
};

/// Every file of the format; anything else in a dataset folder is reported as unknown
/// (besides `README.md` and the `scenarios/` folder).
pub const KNOWN_FILES: [&str; 10] = [
    "associations.csv",
    "instructors.csv",
    "availability.csv",
    "blackouts.csv",
    "requests.csv",
    "sessions.csv",
    "travel.csv",
    "offers.csv",
    "places.csv",
    "network.csv",
];

/// The files and folders in `dir` that klynge does not read, sorted by name. Hidden
/// entries (a `.git`, an editor's swap file) are not counted.
pub fn unknown_files(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| {
            !name.starts_with('.')
                && !KNOWN_FILES.contains(&name.as_str())
                && !name.eq_ignore_ascii_case("README.md")
                && name != "scenarios"
        })
        .collect();
    out.sort();
    out
}

/// Reads a dataset folder, with every problem found while reading it. Records that could
/// not be read are left out of the dataset.
pub fn read_folder(dir: &Path) -> (Dataset, Vec<Problem>) {
    let mut p = Vec::new();
    let assoc = Table::read(
        dir,
        "associations.csv",
        true,
        &["id", "name", "kind", "lat", "lon"],
        &mut p,
    );
    let instr = Table::read(
        dir,
        "instructors.csv",
        true,
        &[
            "id",
            "name",
            "association",
            "topics",
            "languages",
            "max_km",
            "max_sessions_per_week",
        ],
        &mut p,
    );
    let avail = Table::read(
        dir,
        "availability.csv",
        false,
        &["instructor", "weekday", "start", "end"],
        &mut p,
    );
    let black = Table::read(
        dir,
        "blackouts.csv",
        false,
        &["instructor", "from", "to"],
        &mut p,
    );
    let req = Table::read(
        dir,
        "requests.csv",
        true,
        &[
            "id",
            "association",
            "topic",
            "language",
            "instructors_needed",
            "priority",
        ],
        &mut p,
    );
    let sess = Table::read(
        dir,
        "sessions.csv",
        false,
        &["request", "date", "start", "end"],
        &mut p,
    );
    let trav = Table::read(dir, "travel.csv", false, &["from", "to", "km"], &mut p);
    let offers = Table::read(
        dir,
        "offers.csv",
        false,
        &[
            "id",
            "provider",
            "kind",
            "topics",
            "languages",
            "lat",
            "lon",
        ],
        &mut p,
    );

    let places = Table::read(dir, "places.csv", false, &["id", "lat", "lon"], &mut p);
    let network = Table::read(
        dir,
        "network.csv",
        false,
        &["from", "to", "km", "minutes"],
        &mut p,
    );

    let mut ds = Dataset::default();
    for row in assoc.iter().flat_map(Table::rows) {
        let id = row.text("id", &mut p);
        let name = row.text("name", &mut p);
        let kind = row.parse(
            "kind",
            true,
            &mut p,
            |v| match v.to_lowercase().as_str() {
                "hub" => Some(AssociationKind::Hub),
                "small" | "liten" => Some(AssociationKind::Small),
                _ => None,
            },
            ProblemKind::UnknownKind,
        );
        let lat = row.float("lat", true, &mut p);
        let lon = row.float("lon", true, &mut p);
        let opt_in = row.boolean("opt_in", &mut p).unwrap_or(true);
        let lends = row.boolean("lends", &mut p).unwrap_or(true);
        let lend_cap_sessions = row.uint("lend_cap_sessions", false, &mut p);
        // A record with an id is kept even when other cells have problems (already
        // reported), so that rows referring to it are not reported as unknown too.
        if let Some(id) = id {
            ds.associations.push(Association {
                id,
                name: name.unwrap_or_default(),
                kind: kind.unwrap_or(AssociationKind::Small),
                lat: lat.unwrap_or_default(),
                lon: lon.unwrap_or_default(),
                municipality: row.get("municipality").unwrap_or_default().to_owned(),
                opt_in,
                cluster: row.get("cluster").map(str::to_owned),
                lends,
                lend_cap_sessions,
                email: row.get("email").map(str::to_owned),
                lang: row.lang(),
                origin: row.origin(),
            });
        }
    }

    for row in instr.iter().flat_map(Table::rows) {
        let id = row.text("id", &mut p);
        let name = row.text("name", &mut p);
        let association = row.text("association", &mut p);
        let lat = row.float("lat", false, &mut p);
        let lon = row.float("lon", false, &mut p);
        let max_km = row.float("max_km", true, &mut p);
        let per_week = row.uint("max_sessions_per_week", true, &mut p);
        let total = row.uint("max_sessions_total", false, &mut p);
        let hours = row.float("max_hours_per_week", false, &mut p);
        let max_minutes = row.uint("max_minutes", false, &mut p);
        if let Some(id) = id {
            ds.instructors.push(Instructor {
                id,
                name: name.unwrap_or_default(),
                association: association.unwrap_or_default(),
                lat,
                lon,
                topics: row.list("topics"),
                languages: row.list("languages"),
                willing_languages: row.list("willing_languages"),
                max_km: max_km.unwrap_or_default(),
                max_minutes,
                max_sessions_per_week: per_week.unwrap_or_default(),
                max_sessions_total: total,
                max_hours_per_week: hours,
                availability: Vec::new(),
                blackouts: Vec::new(),
                email: row.get("email").map(str::to_owned),
                lang: row.lang(),
                origin: row.origin(),
            });
        }
    }
    let instructor_index: HashMap<String, usize> = ds
        .instructors
        .iter()
        .enumerate()
        .map(|(k, i)| (i.id.clone(), k))
        .collect();

    for row in avail.iter().flat_map(Table::rows) {
        let who = row.text("instructor", &mut p);
        let weekday = row.parse(
            "weekday",
            true,
            &mut p,
            parse_weekday,
            ProblemKind::UnknownWeekday,
        );
        let start = row.time("start", true, &mut p);
        let end = row.time("end", true, &mut p);
        let Some(who) = who else { continue };
        let Some(&k) = instructor_index.get(&who) else {
            p.push(row.problem("instructor", ProblemKind::UnknownInstructor(who)));
            continue;
        };
        if let (Some(weekday), Some(start), Some(end)) = (weekday, start, end) {
            ds.instructors[k].availability.push(Slot {
                weekday,
                start,
                end,
                origin: row.origin(),
            });
        }
    }

    for row in black.iter().flat_map(Table::rows) {
        let who = row.text("instructor", &mut p);
        let from = row.date("from", true, &mut p);
        let to = row.date("to", true, &mut p);
        let Some(who) = who else { continue };
        let Some(&k) = instructor_index.get(&who) else {
            p.push(row.problem("instructor", ProblemKind::UnknownInstructor(who)));
            continue;
        };
        if let (Some(from), Some(to)) = (from, to) {
            ds.instructors[k].blackouts.push(Blackout {
                from,
                to,
                origin: row.origin(),
            });
        }
    }

    for row in req.iter().flat_map(Table::rows) {
        let id = row.text("id", &mut p);
        let association = row.text("association", &mut p);
        let topic = row.text("topic", &mut p).map(|t| t.to_lowercase());
        let language = row.text("language", &mut p).map(|t| t.to_lowercase());
        let needed = row.uint("instructors_needed", true, &mut p);
        let priority = row.uint("priority", true, &mut p).and_then(|v| {
            let ok = (1..=5).contains(&v);
            if !ok {
                p.push(row.problem(
                    "priority",
                    ProblemKind::OutOfRange {
                        value: v.to_string(),
                        expected: "1…5".into(),
                    },
                ));
            }
            ok.then_some(v as u8)
        });
        let series_cols = ["first_date", "start", "end", "count", "interval_days"];
        let given = series_cols.iter().filter(|c| row.get(c).is_some()).count();
        let series = if given == 0 {
            None
        } else {
            let first_date = row.date("first_date", true, &mut p);
            let start = row.time("start", true, &mut p);
            let end = row.time("end", true, &mut p);
            let count = row.uint("count", true, &mut p);
            let interval = row.uint("interval_days", true, &mut p);
            match (first_date, start, end, count, interval) {
                (Some(first_date), Some(start), Some(end), Some(count), Some(interval_days)) => {
                    Some(Series {
                        first_date,
                        start,
                        end,
                        count,
                        interval_days,
                    })
                }
                _ => {
                    if given < series_cols.len() {
                        p.push(row.problem("first_date", ProblemKind::IncompleteSeries));
                    }
                    None
                }
            }
        };
        let venue_lat = row.float("venue_lat", false, &mut p);
        let venue_lon = row.float("venue_lon", false, &mut p);
        let format = row.parse(
            "format",
            false,
            &mut p,
            Format::parse,
            ProblemKind::UnknownFormat,
        );
        let slot_minutes = row.uint("slot_minutes", false, &mut p);
        let desks = row.uint("desks", false, &mut p);
        if let Some(id) = id {
            // Placeholders for cells with problems (already reported) pass validation.
            ds.requests.push(Request {
                id,
                association: association.unwrap_or_default(),
                topic: topic.unwrap_or_default(),
                language: language.unwrap_or_default(),
                instructors_needed: needed.unwrap_or(1),
                format: format.unwrap_or_default(),
                slot_minutes,
                desks,
                priority: priority.unwrap_or(3),
                series,
                sessions: Vec::new(),
                venue_lat,
                venue_lon,
                origin: row.origin(),
            });
        }
    }
    let request_index: HashMap<String, usize> = ds
        .requests
        .iter()
        .enumerate()
        .map(|(k, r)| (r.id.clone(), k))
        .collect();

    for row in sess.iter().flat_map(Table::rows) {
        let who = row.text("request", &mut p);
        let date = row.date("date", true, &mut p);
        let start = row.time("start", true, &mut p);
        let end = row.time("end", true, &mut p);
        let Some(who) = who else { continue };
        let Some(&k) = request_index.get(&who) else {
            p.push(row.problem("request", ProblemKind::UnknownRequest(who)));
            continue;
        };
        if ds.requests[k].series.is_some() {
            p.push(row.problem("request", ProblemKind::SessionsForSeriesRequest(who)));
            continue;
        }
        if let (Some(date), Some(start), Some(end)) = (date, start, end) {
            ds.requests[k].sessions.push(Session {
                date,
                start,
                end,
                origin: row.origin(),
            });
        }
    }

    for row in trav.iter().flat_map(Table::rows) {
        let from = row.text("from", &mut p);
        let to = row.text("to", &mut p);
        let km = row.float("km", true, &mut p);
        let minutes = row.uint("minutes", false, &mut p);
        if let (Some(from), Some(to), Some(km)) = (from, to, km) {
            ds.travel.push(TravelRow {
                from,
                to,
                km,
                minutes,
                origin: row.origin(),
            });
        }
    }

    read_places(places.as_ref(), &mut ds, &mut p);
    read_network(network.as_ref(), &mut ds, &mut p);

    for row in offers.iter().flat_map(Table::rows) {
        let id = row.text("id", &mut p);
        let provider = row.text("provider", &mut p);
        let kind = row.parse(
            "kind",
            true,
            &mut p,
            OfferKind::parse,
            ProblemKind::UnknownKind,
        );
        let lat = row.float("lat", true, &mut p);
        let lon = row.float("lon", true, &mut p);
        if let (Some(id), Some(kind), Some(lat), Some(lon)) = (id, kind, lat, lon) {
            let text = |c: &str| row.get(c).unwrap_or_default().to_owned();
            ds.offers.push(Offer {
                id,
                provider: provider.unwrap_or_default(),
                kind,
                topics: row.list("topics"),
                languages: row.list("languages"),
                municipality: text("municipality"),
                lat,
                lon,
                when: text("when"),
                times: row.offer_times(&mut p),
                contact: text("contact"),
                url: text("url"),
                origin: row.origin(),
            });
        }
    }

    (ds, p)
}

/// The rows of `places.csv`: a place is kept when its id and position could be read.
fn read_places(table: Option<&Table>, ds: &mut Dataset, p: &mut Vec<Problem>) {
    for row in table.into_iter().flat_map(Table::rows) {
        let id = row.text("id", p);
        let lat = row.float("lat", true, p);
        let lon = row.float("lon", true, p);
        if let (Some(id), Some(lat), Some(lon)) = (id, lat, lon) {
            ds.places.push(Place {
                id,
                name: row.get("name").unwrap_or_default().to_owned(),
                lat,
                lon,
                origin: row.origin(),
            });
        }
    }
}

/// The rows of `network.csv`; `ferry` defaults to false.
fn read_network(table: Option<&Table>, ds: &mut Dataset, p: &mut Vec<Problem>) {
    for row in table.into_iter().flat_map(Table::rows) {
        let from = row.text("from", p);
        let to = row.text("to", p);
        let km = row.float("km", true, p);
        let minutes = row.uint("minutes", true, p);
        let ferry = row.boolean("ferry", p).unwrap_or(false);
        let wait_minutes = row.uint("wait_minutes", false, p);
        if let (Some(from), Some(to), Some(km), Some(minutes)) = (from, to, km, minutes) {
            ds.network.push(NetworkEdge {
                from,
                to,
                km,
                minutes,
                ferry,
                wait_minutes,
                origin: row.origin(),
            });
        }
    }
}
