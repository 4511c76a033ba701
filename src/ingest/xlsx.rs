//! The dataset as one spreadsheet (.xlsx): one sheet per file of the folder format
//! (`associations`, `instructors`, `availability`, `blackouts`, `requests`, `sessions`,
//! `travel`, `offers`, `places`, `network`), the first row the header. Each sheet is read as the CSV file it stands for,
//! so the same checks and the same messages apply; a message names the workbook and the
//! sheet (`pilot.xlsx[requests]:3`).

use std::path::Path;

use calamine::{Data, Reader, open_workbook_auto};

use super::csv_folder::read_folder;
use crate::model::{Dataset, Origin, Problem, ProblemKind};

/// The sheets the format knows, by the file each stands for.
const SHEETS: [&str; 10] = [
    "associations",
    "instructors",
    "availability",
    "blackouts",
    "requests",
    "sessions",
    "travel",
    "offers",
    "places",
    "network",
];

/// Reads a workbook; returns the dataset and every problem found while reading.
pub fn read_xlsx(path: &Path) -> (Dataset, Vec<Problem>) {
    let file = path.display().to_string();
    let unreadable = |e: String| {
        (
            Dataset::default(),
            vec![Problem::at(
                &Origin::new(file.clone(), None),
                None,
                ProblemKind::Unreadable(e),
            )],
        )
    };
    let mut book = match open_workbook_auto(path) {
        Ok(b) => b,
        Err(e) => return unreadable(e.to_string()),
    };
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => return unreadable(e.to_string()),
    };
    let names = book.sheet_names().to_vec();
    for sheet in SHEETS {
        let Some(name) = names.iter().find(|n| {
            let n = n.trim().to_lowercase();
            n == sheet || n == format!("{sheet}.csv")
        }) else {
            continue;
        };
        let range = match book.worksheet_range(name) {
            Ok(r) => r,
            Err(e) => return unreadable(format!("{name}: {e}")),
        };
        let mut w = csv::Writer::from_writer(Vec::new());
        for row in range.rows() {
            let cells: Vec<String> = row.iter().map(cell_text).collect();
            if w.write_record(&cells).is_err() {
                return unreadable(format!("{name}: a row cannot be read"));
            }
        }
        let bytes = w.into_inner().unwrap_or_default();
        if let Err(e) = std::fs::write(dir.path().join(format!("{sheet}.csv")), bytes) {
            return unreadable(e.to_string());
        }
    }
    let (mut ds, problems) = read_folder(dir.path());
    // Name the workbook and the sheet, not the scratch folder, in the problems found now
    // and in the records' origins (which validation reports from).
    let prefix = dir.path().display().to_string();
    let rename = |f: &mut String| {
        if let Some(rest) = f.strip_prefix(&prefix) {
            let sheet = rest
                .trim_start_matches(['/', '\\'])
                .trim_end_matches(".csv");
            *f = format!("{file}[{sheet}]");
        }
    };
    let problems = problems
        .into_iter()
        .map(|mut p| {
            rename(&mut p.file);
            p
        })
        .collect();
    for a in &mut ds.associations {
        rename(&mut a.origin.file);
    }
    for i in &mut ds.instructors {
        rename(&mut i.origin.file);
        for s in &mut i.availability {
            rename(&mut s.origin.file);
        }
        for b in &mut i.blackouts {
            rename(&mut b.origin.file);
        }
    }
    for r in &mut ds.requests {
        rename(&mut r.origin.file);
        for s in &mut r.sessions {
            rename(&mut s.origin.file);
        }
    }
    for t in &mut ds.travel {
        rename(&mut t.origin.file);
    }
    (ds, problems)
}

/// A cell as the text a CSV file would hold: whole numbers without ".0", dates as
/// YYYY-MM-DD, times of day as HH:MM.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            let v = dt.as_f64();
            if (0.0..1.0).contains(&v) {
                let minutes = (v * 24.0 * 60.0).round() as i64;
                format!("{:02}:{:02}", minutes / 60, minutes % 60)
            } else {
                // Excel counts days from 1899-12-30 (its 1900 leap-year bug included).
                chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
                    .and_then(|epoch| {
                        let days = chrono::TimeDelta::try_days(v.floor() as i64)?;
                        epoch.checked_add_signed(days)
                    })
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_else(|| v.to_string())
            }
        }
        Data::Error(e) => format!("#{e:?}"),
    }
}
