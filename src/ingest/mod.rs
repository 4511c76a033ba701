//! Readers and writers of the dataset format: a folder of CSV files, or one JSON file.
//!
//! Reading never stops at the first problem: every problem in every file is collected, then
//! the dataset as a whole is validated, and only a dataset without problems is returned.

mod csv_folder;
mod table;
mod write;
mod xlsx;

pub use csv_folder::{KNOWN_FILES, unknown_files};
pub use write::{write_folder, write_json};

use std::path::Path;

use crate::model::{Dataset, Origin, Problem, ProblemKind, Problems, validate};

/// Reads and validates a dataset: a folder of CSV files, a `.json` file, or an `.xlsx`
/// workbook with one sheet per file.
pub fn load(path: &Path) -> Result<Dataset, Problems> {
    let (ds, mut problems) = if path.is_dir() {
        csv_folder::read_folder(path)
    } else if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
    {
        xlsx::read_xlsx(path)
    } else {
        match read_json(path) {
            Ok(ds) => (ds, Vec::new()),
            Err(p) => return Err(Problems(vec![p])),
        }
    };
    for p in validate(&ds) {
        // A cell reported while reading may be reported again by validation.
        if !problems.contains(&p) {
            problems.push(p);
        }
    }
    if problems.is_empty() {
        Ok(ds)
    } else {
        Err(Problems(problems))
    }
}

/// Topics and language codes are matched in lower case, whichever form they came in (the
/// CSV reader does the same).
fn normalise(ds: &mut Dataset) {
    for i in &mut ds.instructors {
        for t in i.topics.iter_mut().chain(i.languages.iter_mut()) {
            *t = t.trim().to_lowercase();
        }
    }
    for r in &mut ds.requests {
        r.topic = r.topic.trim().to_lowercase();
        r.language = r.language.trim().to_lowercase();
    }
}

/// Reads a dataset from one JSON file (the same fields as the CSV files; availability,
/// blackouts and sessions nested under their instructor or request). Records are given
/// their position in the file as origin, e.g. `requests[3]`.
fn read_json(path: &Path) -> Result<Dataset, Problem> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        Problem::at(
            &Origin::new(file.clone(), None),
            None,
            ProblemKind::Unreadable(e.to_string()),
        )
    })?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        let line = 1 + bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        Problem::at(
            &Origin::new(file.clone(), Some(line as u64)),
            None,
            ProblemKind::InvalidUtf8,
        )
    })?;
    // A byte-order mark is accepted, as in the CSV files.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // The path of the field that failed (`requests[15].association`) is the column: in
    // minified JSON the line alone says little.
    let mut de = serde_json::Deserializer::from_str(text);
    let mut ds: Dataset = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let field = e.path().to_string();
        let inner = e.into_inner();
        Problem::at(
            &Origin::new(file.clone(), Some(inner.line() as u64)),
            (field != ".").then_some(field.as_str()),
            ProblemKind::Unreadable(inner.to_string()),
        )
    })?;
    // Nothing may follow the dataset.
    de.end().map_err(|e| {
        Problem::at(
            &Origin::new(file.clone(), Some(e.line() as u64)),
            None,
            ProblemKind::Unreadable(e.to_string()),
        )
    })?;
    normalise(&mut ds);
    let at = |what: &str, k: usize| Origin::new(format!("{file} {what}[{k}]"), None);
    for (k, a) in ds.associations.iter_mut().enumerate() {
        a.origin = at("associations", k);
    }
    for (k, i) in ds.instructors.iter_mut().enumerate() {
        i.origin = at("instructors", k);
        for (j, s) in i.availability.iter_mut().enumerate() {
            s.origin = Origin::new(format!("{file} instructors[{k}].availability[{j}]"), None);
        }
        for (j, b) in i.blackouts.iter_mut().enumerate() {
            b.origin = Origin::new(format!("{file} instructors[{k}].blackouts[{j}]"), None);
        }
    }
    for (k, r) in ds.requests.iter_mut().enumerate() {
        r.origin = at("requests", k);
        for (j, s) in r.sessions.iter_mut().enumerate() {
            s.origin = Origin::new(format!("{file} requests[{k}].sessions[{j}]"), None);
        }
    }
    for (k, t) in ds.travel.iter_mut().enumerate() {
        t.origin = at("travel", k);
    }
    for (k, o) in ds.offers.iter_mut().enumerate() {
        o.origin = at("offers", k);
    }
    for (k, pl) in ds.places.iter_mut().enumerate() {
        pl.origin = at("places", k);
    }
    for (k, e) in ds.network.iter_mut().enumerate() {
        e.origin = at("network", k);
    }
    Ok(ds)
}
