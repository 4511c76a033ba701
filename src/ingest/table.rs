//! One CSV file of a dataset folder read into memory — its header, and each record with
//! its line — and the typed accessors of a record's cells (text, numbers, dates, times,
//! lists, flags), which report a problem with file, line and column instead of failing.
//! `csv_folder.rs` assembles the dataset from these rows.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;

use crate::model::{Hm, Origin, Problem, ProblemKind};

/// A CSV file read into memory, with its header and the line of each record.
pub(super) struct Table {
    file: String,
    columns: HashMap<String, usize>,
    rows: Vec<(u64, csv::StringRecord)>,
}

/// One record of a table, with typed accessors that report problems instead of failing.
pub(super) struct Row<'a> {
    table: &'a Table,
    line: u64,
    record: &'a csv::StringRecord,
}

impl Table {
    /// Reads `dir/name`. A missing optional file is an empty table; a missing required file,
    /// an unreadable one or a missing required column is a problem.
    pub(super) fn read(
        dir: &Path,
        name: &str,
        required: bool,
        required_columns: &[&str],
        problems: &mut Vec<Problem>,
    ) -> Option<Table> {
        let path = dir.join(name);
        let origin = Origin::new(path.display().to_string(), None);
        if !path.exists() {
            if required {
                problems.push(Problem::at(
                    &origin,
                    None,
                    ProblemKind::Unreadable("file not found / filen finnes ikke".into()),
                ));
            }
            return None;
        }
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                problems.push(Problem::at(
                    &origin,
                    None,
                    ProblemKind::Unreadable(e.to_string()),
                ));
                return None;
            }
        };
        // A byte that is not UTF-8 (a file saved as Latin-1, say) is reported on its own
        // line; the rest of the file is still read, so one bad byte hides nothing else.
        for (n, line) in bytes.split(|&b| b == b'\n').enumerate() {
            if std::str::from_utf8(line).is_err() {
                problems.push(Problem::at(
                    &Origin::new(origin.file.clone(), Some(n as u64 + 1)),
                    None,
                    ProblemKind::InvalidUtf8,
                ));
            }
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        // Lines are counted from byte offsets: the csv crate's own line count is off by
        // one after an empty line (rust-csv#208).
        // The offsets of the newlines, once: a record's line is then a binary search, not a
        // count from the start of the file (which made reading quadratic in its length).
        let newlines: Vec<usize> = text
            .bytes()
            .enumerate()
            .filter(|&(_, b)| b == b'\n')
            .map(|(k, _)| k)
            .collect();
        let line_at = |byte: u64| {
            let bytes = text.as_bytes();
            // A record's position may point at the empty lines before it: skip them.
            let mut at = (byte as usize).min(bytes.len());
            while at < bytes.len() && (bytes[at] == b'\n' || bytes[at] == b'\r') {
                at += 1;
            }
            1 + newlines.partition_point(|&k| k < at) as u64
        };
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let headers = match reader.headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                problems.push(Problem::at(
                    &origin,
                    None,
                    ProblemKind::Unreadable(e.to_string()),
                ));
                return None;
            }
        };
        let header_origin = Origin::new(origin.file.clone(), Some(1));
        let mut columns: HashMap<String, usize> = HashMap::new();
        for (i, h) in headers.iter().enumerate() {
            let name = h.trim_start_matches('\u{feff}').trim().to_lowercase();
            // A second column of the same name would silently shadow the first.
            if !name.is_empty() && columns.contains_key(&name) {
                problems.push(Problem::at(
                    &header_origin,
                    Some(&name),
                    ProblemKind::DuplicateColumn,
                ));
                continue;
            }
            columns.insert(name, i);
        }
        let mut ok = true;
        for col in required_columns {
            if !columns.contains_key(*col) {
                problems.push(Problem::at(
                    &header_origin,
                    Some(col),
                    ProblemKind::MissingColumn,
                ));
                ok = false;
            }
        }
        let mut rows = Vec::new();
        for record in reader.records() {
            match record {
                Ok(r) => {
                    let line = r.position().map_or(0, |p| line_at(p.byte()));
                    if r.iter().all(|c| c.trim().is_empty()) {
                        continue;
                    }
                    rows.push((line, r));
                }
                Err(e) => {
                    let line = e.position().map(|p| line_at(p.byte()));
                    problems.push(Problem::at(
                        &Origin::new(origin.file.clone(), line),
                        None,
                        ProblemKind::Unreadable(e.to_string()),
                    ));
                }
            }
        }
        ok.then_some(Table {
            file: origin.file,
            columns,
            rows,
        })
    }

    pub(super) fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(|(line, record)| Row {
            table: self,
            line: *line,
            record,
        })
    }
}

impl Row<'_> {
    pub(super) fn origin(&self) -> Origin {
        Origin::new(self.table.file.clone(), Some(self.line))
    }

    pub(super) fn problem(&self, col: &str, kind: ProblemKind) -> Problem {
        Problem::at(&self.origin(), Some(col), kind)
    }

    /// The trimmed cell, `None` when empty or when the column does not exist.
    pub(super) fn get(&self, col: &str) -> Option<&str> {
        let idx = *self.table.columns.get(col)?;
        let v = self.record.get(idx)?.trim();
        (!v.is_empty()).then_some(v)
    }

    pub(super) fn text(&self, col: &str, p: &mut Vec<Problem>) -> Option<String> {
        let v = self.get(col).map(str::to_owned);
        if v.is_none() {
            p.push(self.problem(col, ProblemKind::MissingValue));
        }
        v
    }

    pub(super) fn parse<T>(
        &self,
        col: &str,
        required: bool,
        p: &mut Vec<Problem>,
        parse: impl Fn(&str) -> Option<T>,
        err: impl Fn(String) -> ProblemKind,
    ) -> Option<T> {
        match self.get(col) {
            None => {
                if required {
                    p.push(self.problem(col, ProblemKind::MissingValue));
                }
                None
            }
            Some(v) => {
                let parsed = parse(v);
                if parsed.is_none() {
                    p.push(self.problem(col, err(v.to_owned())));
                }
                parsed
            }
        }
    }

    pub(super) fn float(&self, col: &str, required: bool, p: &mut Vec<Problem>) -> Option<f64> {
        self.parse(
            col,
            required,
            p,
            |v| {
                v.replace(',', ".")
                    .parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite())
            },
            ProblemKind::NotANumber,
        )
    }

    pub(super) fn uint(&self, col: &str, required: bool, p: &mut Vec<Problem>) -> Option<u32> {
        self.parse(
            col,
            required,
            p,
            |v| v.parse::<u32>().ok(),
            ProblemKind::NotAWholeNumber,
        )
    }

    pub(super) fn date(
        &self,
        col: &str,
        required: bool,
        p: &mut Vec<Problem>,
    ) -> Option<NaiveDate> {
        self.parse(
            col,
            required,
            p,
            |v| NaiveDate::parse_from_str(v, "%Y-%m-%d").ok(),
            ProblemKind::NotADate,
        )
    }

    pub(super) fn time(&self, col: &str, required: bool, p: &mut Vec<Problem>) -> Option<Hm> {
        self.parse(
            col,
            required,
            p,
            |v| v.parse::<Hm>().ok(),
            ProblemKind::NotATime,
        )
    }

    pub(super) fn boolean(&self, col: &str, p: &mut Vec<Problem>) -> Option<bool> {
        self.parse(
            col,
            false,
            p,
            |v| match v.to_lowercase().as_str() {
                "true" | "yes" | "ja" | "1" => Some(true),
                "false" | "no" | "nei" | "0" => Some(false),
                _ => None,
            },
            ProblemKind::NotABool,
        )
    }

    /// The optional message language, lower-cased (`NB` is `nb`); validation checks it.
    pub(super) fn lang(&self) -> Option<String> {
        self.get("lang").map(str::to_lowercase)
    }

    /// A `;`-separated list, lower-cased, without empty items.
    /// The `times` of an offer, `;` between them; each that cannot be read is a problem.
    pub(super) fn offer_times(&self, p: &mut Vec<Problem>) -> Vec<crate::model::OfferTime> {
        let Some(v) = self.get("times") else {
            return Vec::new();
        };
        v.split(';')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .filter_map(|t| {
                let parsed = crate::model::OfferTime::parse(t);
                if parsed.is_none() {
                    p.push(self.problem("times", ProblemKind::NotAnOfferTime(t.to_owned())));
                }
                parsed
            })
            .collect()
    }

    pub(super) fn list(&self, col: &str) -> Vec<String> {
        self.get(col)
            .map(|v| {
                v.split(';')
                    .map(|s| s.trim().to_lowercase())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }
}
