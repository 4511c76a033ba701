//! CSV from any sheet, in two dialects: plain for programs (`,`, no byte-order mark,
//! decimal point, ISO dates, the columns' keys) and for a Norwegian spreadsheet (`;`,
//! UTF-8 with a byte-order mark, decimal comma, `dd.mm.yyyy`, the columns' labels), which
//! opens as columns rather than one column of mojibake. Sections follow one another.

use super::Rota;
use super::sheet::{Sheet, Style};
use crate::compare::Comparison;
use crate::i18n::Lang;

/// Marks the file as UTF-8 for spreadsheets that would otherwise guess a legacy encoding.
const BOM: &str = "\u{feff}";

/// Which CSV.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CsvDialect {
    /// For programs: `,`, no byte-order mark, decimal point, column keys.
    Plain,
    /// For a Norwegian spreadsheet: `;`, UTF-8 with a byte-order mark, decimal comma,
    /// column labels in the reader's language.
    Excel,
}

impl Sheet {
    /// The sheet as CSV in `dialect`, its sections one after another, each with its header.
    pub fn to_csv(&self, dialect: CsvDialect) -> String {
        let (delimiter, style) = match dialect {
            CsvDialect::Plain => (b',', Style::Plain),
            CsvDialect::Excel => (b';', Style::Spreadsheet),
        };
        let mut w = ::csv::WriterBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .from_writer(Vec::new());
        for section in &self.sections {
            let _ = w.write_record(section.columns.iter().map(|c| match dialect {
                CsvDialect::Plain => c.key.as_str(),
                CsvDialect::Excel => c.label.as_str(),
            }));
            for row in &section.rows {
                let _ = w.write_record(row.iter().map(|c| c.show(style)));
            }
        }
        let body = String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default();
        match dialect {
            CsvDialect::Plain => body,
            CsvDialect::Excel => format!("{BOM}{body}"),
        }
    }
}

impl Rota {
    /// One plain CSV row per session and instructor.
    pub fn to_csv(&self) -> String {
        self.sheet(Lang::default()).to_csv(CsvDialect::Plain)
    }
}

impl Comparison {
    /// The side-by-side table as plain CSV (one column per run), then the diff rows.
    pub fn to_csv(&self, lang: Lang) -> String {
        self.sheet(lang).to_csv(CsvDialect::Plain)
    }
}
