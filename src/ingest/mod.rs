//! Readers and writers of the dataset format: a folder of CSV files, or one JSON file.
//!
//! Reading never stops at the first problem: every problem in every file is collected, then
//! the dataset as a whole is validated, and only a dataset without problems is returned.

mod csv_folder;
mod write;

pub use write::{write_folder, write_json};

use std::path::Path;

use crate::model::{Dataset, Origin, Problem, ProblemKind, Problems, validate};

/// Reads and validates a dataset: a folder of CSV files, or a `.json` file.
pub fn load(path: &Path) -> Result<Dataset, Problems> {
    let (ds, mut problems) = if path.is_dir() {
        csv_folder::read_folder(path)
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

/// Reads a dataset from one JSON file (the same fields as the CSV files; availability,
/// blackouts and sessions nested under their instructor or request). Records are given
/// their position in the file as origin, e.g. `requests[3]`.
fn read_json(path: &Path) -> Result<Dataset, Problem> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        Problem::at(
            &Origin::new(file.clone(), None),
            None,
            ProblemKind::Unreadable(e.to_string()),
        )
    })?;
    let mut ds: Dataset = serde_json::from_str(&text).map_err(|e| Problem {
        file: file.clone(),
        line: Some(e.line() as u64),
        column: None,
        kind: ProblemKind::Unreadable(format!("{e}")),
    })?;
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
    Ok(ds)
}
