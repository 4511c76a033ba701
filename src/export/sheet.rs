//! The one shape of every table-shaped output: a [`Sheet`] is sections of typed cells under
//! a header. Each output builds its sheet once — here a rota, a comparison and the list of
//! runs; `hours.rs` and `whitespots.rs` build theirs — and each file format renders any
//! sheet: `csv.rs` (plain, or for a Norwegian spreadsheet) and `xlsx.rs` (a workbook with a
//! worksheet per section). The terminal comparison (`table.rs`) shows the same cells.

use chrono::{NaiveDate, NaiveDateTime};

use super::Rota;
use crate::compare::{Change, Comparison};
use crate::i18n::Lang;
use crate::model::Hm;
use crate::run::RunSummary;

/// A table for files: one or more sections, each with its own header.
#[derive(Clone, Debug, PartialEq)]
pub struct Sheet {
    pub sections: Vec<Section>,
}

/// Rows under one header: a worksheet of a workbook, a block of a CSV file.
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    /// The worksheet's name (at most 31 characters, none of `[]:*?/\`).
    pub name: String,
    pub columns: Vec<Column>,
    /// Each as long as `columns`.
    pub rows: Vec<Vec<Cell>>,
}

/// A column: `key` heads it for programs (plain CSV), `label` for people (spreadsheets).
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub key: String,
    pub label: String,
}

impl Column {
    pub fn new(key: &str, label: &str) -> Column {
        Column {
            key: key.to_owned(),
            label: label.to_owned(),
        }
    }
}

/// One value, with its type: a spreadsheet gets numbers as numbers and dates as dates.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    /// A word from a fixed set: its code for programs, its name in the reader's language
    /// for people.
    Term {
        code: &'static str,
        name: String,
    },
    Int(i64),
    /// A measure with `decimals` places (`None`: as many as it has).
    Number {
        value: f64,
        decimals: Option<usize>,
    },
    /// A share (0.25 is 25 %) with one decimal, and what it is the share of, if anything.
    Percent {
        share: f64,
        of: Option<String>,
    },
    /// Numbers that belong together, `a/b/c`; with `share`, the first as a share of the
    /// second follows: `33/40 (82.5 %)`.
    Parts {
        values: Vec<f64>,
        share: bool,
    },
    Date(NaiveDate),
    /// A clock time (24:00 is the end of the day).
    Time(Hm),
    /// A moment in UTC.
    Moment(NaiveDateTime),
}

/// How a cell is written as text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// For programs: decimal point, ISO dates, codes.
    Plain,
    /// For a Norwegian spreadsheet (and its readers): decimal comma, `dd.mm.yyyy`, names.
    Spreadsheet,
}

impl Cell {
    /// A measure with `decimals` places.
    pub fn number(value: f64, decimals: usize) -> Cell {
        Cell::Number {
            value,
            decimals: Some(decimals),
        }
    }

    /// A text cell.
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// The cell as text in `style`.
    pub fn show(&self, style: Style) -> String {
        let decimal = |s: String| match style {
            Style::Plain => s,
            Style::Spreadsheet => s.replace('.', ","),
        };
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Term { code, name } => match style {
                Style::Plain => (*code).to_owned(),
                Style::Spreadsheet => name.clone(),
            },
            Cell::Int(n) => n.to_string(),
            Cell::Number { value, decimals } => decimal(match decimals {
                Some(d) => format!("{value:.d$}"),
                None => value.to_string(),
            }),
            Cell::Percent { share, of } => {
                let p = decimal(format!("{:.1} %", 100.0 * share));
                match of {
                    Some(of) => format!("{p} ({of})"),
                    None => p,
                }
            }
            Cell::Parts { values, share } => {
                let parts: Vec<String> = values.iter().map(|v| decimal(v.to_string())).collect();
                let mut s = parts.join("/");
                if *share {
                    let (a, b) = (
                        values.first().copied().unwrap_or(0.0),
                        values.get(1).copied().unwrap_or(0.0),
                    );
                    s.push_str(&format!(" ({})", decimal(super::pct(a, b))));
                }
                s
            }
            Cell::Date(d) => match style {
                Style::Plain => d.format("%Y-%m-%d").to_string(),
                Style::Spreadsheet => d.format("%d.%m.%Y").to_string(),
            },
            Cell::Time(t) => t.to_string(),
            Cell::Moment(t) => match style {
                Style::Plain => t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                Style::Spreadsheet => t.format("%d.%m.%Y %H:%M").to_string(),
            },
        }
    }
}

impl Cell {
    /// The cell as a person reads it on a terminal or a page, in `lang`: numbers grouped
    /// with the language's decimal mark, dates as `18.01.2027`, moments in Oslo time,
    /// terms by name.
    pub fn read(&self, lang: Lang) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Term { name, .. } => name.clone(),
            Cell::Int(n) => lang.int(*n),
            Cell::Number { value, decimals } => lang.number(*value, decimals.unwrap_or(1)),
            Cell::Percent { share, of } => {
                let p = lang.percent(*share);
                match of {
                    Some(of) => format!("{p} ({of})"),
                    None => p,
                }
            }
            Cell::Parts { values, share } => {
                let parts: Vec<String> = values
                    .iter()
                    .map(|v| lang.number(*v, if v.fract() == 0.0 { 0 } else { 1 }))
                    .collect();
                let mut s = parts.join("/");
                if *share {
                    let (a, b) = (
                        values.first().copied().unwrap_or(0.0),
                        values.get(1).copied().unwrap_or(0.0),
                    );
                    s.push_str(&format!(" ({})", lang.percent_of(a, b)));
                }
                s
            }
            Cell::Date(d) => lang.date(*d),
            Cell::Time(t) => t.to_string(),
            Cell::Moment(t) => lang.moment(t.and_utc()),
        }
    }
}

/// The name of a run's status in `lang`, as a term (its code is the stored status).
fn status_term(status: &str, lang: Lang) -> Cell {
    let code = match status {
        "proposed" => "proposed",
        "approved" => "approved",
        "published" => "published",
        "superseded" => "superseded",
        other => return Cell::text(other),
    };
    Cell::Term {
        code,
        name: crate::run::status_name(code, lang)
            .unwrap_or(code)
            .to_owned(),
    }
}

impl Rota {
    /// One row per session and instructor.
    pub fn sheet(&self, lang: Lang) -> Sheet {
        let columns = vec![
            Column::new("run", lang.pick("Kjøring", "Run")),
            Column::new("request", lang.pick("Forespørsel", "Request")),
            Column::new("association", lang.pick("Forening", "Association")),
            Column::new("topic", lang.pick("Emne", "Topic")),
            Column::new("language", lang.pick("Språk", "Language")),
            Column::new("date", lang.pick("Dato", "Date")),
            Column::new("start", lang.pick("Start", "Start")),
            Column::new("end", lang.pick("Slutt", "End")),
            Column::new("instructor", lang.pick("Instruktør", "Instructor")),
            Column::new("instructor_name", lang.pick("Instruktørens navn", "Name")),
            Column::new("km_one_way", lang.pick("Km én vei", "Km one way")),
            Column::new(
                "travel_minutes",
                lang.pick("Reiseminutter", "Travel minutes"),
            ),
            Column::new("venue_lat", lang.pick("Breddegrad", "Latitude")),
            Column::new("venue_lon", lang.pick("Lengdegrad", "Longitude")),
        ];
        let mut rows = Vec::new();
        for e in &self.entries {
            for s in &e.sessions {
                rows.push(vec![
                    Cell::Int(self.run),
                    Cell::text(&e.request),
                    Cell::text(&e.association),
                    Cell::text(&e.topic),
                    Cell::text(&e.language),
                    Cell::Date(s.date),
                    Cell::Time(s.start),
                    Cell::Time(s.end),
                    Cell::text(&e.instructor),
                    Cell::text(&e.instructor_name),
                    Cell::number(e.km_one_way, 1),
                    Cell::Int(i64::from(e.travel_minutes)),
                    Cell::Number {
                        value: e.venue_lat,
                        decimals: None,
                    },
                    Cell::Number {
                        value: e.venue_lon,
                        decimals: None,
                    },
                ]);
            }
        }
        Sheet {
            sections: vec![Section {
                name: lang.pick("Rota", "Rota").to_owned(),
                columns,
                rows,
            }],
        }
    }
}

impl Comparison {
    /// The key figures side by side (one column per run), then the rota changes from the
    /// first run to each other one.
    pub fn sheet(&self, lang: Lang) -> Sheet {
        let mut rows = self.rows(lang).into_iter();
        // The first row names the runs: it is the header.
        let columns = rows
            .next()
            .map(|(label, runs)| {
                let mut c = vec![Column::new(label.trim(), label.trim())];
                c.extend(runs.iter().map(|r| {
                    let id = r.show(Style::Plain);
                    Column::new(&id, &id)
                }));
                c
            })
            .unwrap_or_default();
        let figures = rows
            .map(|(label, vals)| {
                let mut row = vec![Cell::text(label.trim())];
                row.extend(vals);
                row
            })
            .collect();
        let first = self.runs.first().map_or(0, |r| r.run);
        let mut changes = Vec::new();
        for (run, list) in &self.diffs {
            for c in list {
                let (code, nb, en, request, before, after) = match c {
                    Change::Added { instructors, .. } => (
                        "added",
                        "lagt til",
                        "added",
                        c.label(),
                        String::new(),
                        instructors.join(";"),
                    ),
                    Change::Removed { instructors, .. } => (
                        "removed",
                        "fjernet",
                        "removed",
                        c.label(),
                        instructors.join(";"),
                        String::new(),
                    ),
                    Change::InstructorChanged { before, after, .. } => (
                        "instructor_changed",
                        "ny instruktør",
                        "instructor changed",
                        c.label(),
                        before.join(";"),
                        after.join(";"),
                    ),
                };
                changes.push(vec![
                    Cell::Term {
                        code,
                        name: lang.pick(nb, en).to_owned(),
                    },
                    Cell::Int(first),
                    Cell::Int(*run),
                    Cell::Text(request),
                    Cell::Text(before),
                    Cell::Text(after),
                ]);
            }
        }
        Sheet {
            sections: vec![
                Section {
                    name: lang.pick("Nøkkeltall", "Figures").to_owned(),
                    columns,
                    rows: figures,
                },
                Section {
                    name: lang.pick("Endringer", "Changes").to_owned(),
                    columns: vec![
                        Column::new("change", lang.pick("Endring", "Change")),
                        Column::new("from_run", lang.pick("Fra kjøring", "From run")),
                        Column::new("to_run", lang.pick("Til kjøring", "To run")),
                        Column::new("request", lang.pick("Forespørsel", "Request")),
                        Column::new("before", lang.pick("Før", "Before")),
                        Column::new("after", lang.pick("Etter", "After")),
                    ],
                    rows: changes,
                },
            ],
        }
    }
}

/// The stored runs, one row each, newest first.
pub fn runs_sheet(runs: &[RunSummary], lang: Lang) -> Sheet {
    let columns = vec![
        Column::new("id", lang.pick("Kjøring", "Run")),
        Column::new("scenario", "Scenario"),
        Column::new("dataset", lang.pick("Datasett", "Dataset")),
        Column::new("status", "Status"),
        Column::new("solver", lang.pick("Løser", "Solver")),
        Column::new(
            "requests_covered",
            lang.pick("Forespørsler dekket", "Requests covered"),
        ),
        Column::new("requests_total", lang.pick("Forespørsler", "Requests")),
        Column::new(
            "weighted_share",
            lang.pick("Vektet dekning", "Weighted coverage"),
        ),
        Column::new("total_km", lang.pick("Km tur-retur", "Round-trip km")),
        Column::new("created_at", lang.pick("Laget (UTC)", "Created (UTC)")),
    ];
    let rows = runs
        .iter()
        .map(|r| {
            let f = &r.figures;
            let created = chrono::DateTime::parse_from_rfc3339(&r.created_at).map_or_else(
                |_| Cell::text(&r.created_at),
                |t| Cell::Moment(t.naive_utc()),
            );
            vec![
                Cell::Int(r.id),
                Cell::text(&r.scenario),
                Cell::text(&r.dataset),
                status_term(&r.status, lang),
                Cell::text(&r.solver),
                Cell::Int(i64::try_from(f.requests_covered).unwrap_or(i64::MAX)),
                Cell::Int(i64::try_from(f.requests_total).unwrap_or(i64::MAX)),
                if f.weighted_total > 0.0 {
                    Cell::Percent {
                        share: f.weighted_covered / f.weighted_total,
                        of: None,
                    }
                } else {
                    Cell::Empty
                },
                Cell::number(f.total_km, 0),
                created,
            ]
        })
        .collect();
    Sheet {
        sections: vec![Section {
            name: lang.pick("Kjøringer", "Runs").to_owned(),
            columns,
            rows,
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_in_both_styles() {
        let d = NaiveDate::from_ymd_opt(2027, 1, 12).expect("date");
        let cases = [
            (Cell::number(12.345, 1), "12.3", "12,3"),
            (
                Cell::Number {
                    value: 63.5,
                    decimals: None,
                },
                "63.5",
                "63,5",
            ),
            (Cell::Date(d), "2027-01-12", "12.01.2027"),
            (Cell::Time(Hm(600)), "10:00", "10:00"),
            (
                Cell::Parts {
                    values: vec![33.0, 40.0],
                    share: true,
                },
                "33/40 (82.5 %)",
                "33/40 (82,5 %)",
            ),
            (
                Cell::Percent {
                    share: 0.75,
                    of: Some("orkland".into()),
                },
                "75.0 % (orkland)",
                "75,0 % (orkland)",
            ),
            (
                Cell::Term {
                    code: "added",
                    name: "lagt til".into(),
                },
                "added",
                "lagt til",
            ),
        ];
        for (cell, plain, sheet) in cases {
            assert_eq!(cell.show(Style::Plain), plain);
            assert_eq!(cell.show(Style::Spreadsheet), sheet);
        }
    }
}
