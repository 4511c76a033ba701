//! A run as its coordinator looks at it on the service: the run itself, what would cover
//! each uncovered request (the `suggest` use case per request), and the run in every file
//! format the command line writes (the same exporters).

use crate::export::{CsvDialect, Rota, to_geojson, to_xlsx};
use crate::i18n::Lang;
use crate::run::Run;
use crate::store::Principal;

use super::error::{AppError, Result};
use super::service::Service;
use super::suggest::{Suggestions, suggest};

/// The files a run is offered in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunFile {
    /// Plain CSV, for programs.
    Csv,
    /// CSV for a Norwegian spreadsheet: `;`, BOM, decimal comma.
    ExcelCsv,
    Xlsx,
    /// The run's rota as iCalendar, each event with its version as published.
    Ics,
    GeoJson,
    /// The self-contained HTML report of the run.
    Report,
}

impl RunFile {
    /// Every file, in the order the run page lists them.
    pub const ALL: [RunFile; 6] = [
        RunFile::Xlsx,
        RunFile::ExcelCsv,
        RunFile::Csv,
        RunFile::Ics,
        RunFile::GeoJson,
        RunFile::Report,
    ];

    /// The file's name in its address and on the user's disk.
    pub fn name(self) -> &'static str {
        match self {
            RunFile::Csv => "rota.csv",
            RunFile::ExcelCsv => "rota-excel.csv",
            RunFile::Xlsx => "rota.xlsx",
            RunFile::Ics => "rota.ics",
            RunFile::GeoJson => "rota.geojson",
            RunFile::Report => "report.html",
        }
    }

    pub fn from_name(name: &str) -> Option<RunFile> {
        RunFile::ALL.into_iter().find(|f| f.name() == name)
    }

    pub fn content_type(self) -> &'static str {
        match self {
            RunFile::Csv | RunFile::ExcelCsv => "text/csv; charset=utf-8",
            RunFile::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            RunFile::Ics => "text/calendar; charset=utf-8",
            RunFile::GeoJson => "application/geo+json",
            RunFile::Report => "text/html; charset=utf-8",
        }
    }

    /// What the file is for, in words.
    pub fn describe(self, lang: Lang) -> &'static str {
        match self {
            RunFile::Csv => lang.pick("CSV for programmer", "CSV for programs"),
            RunFile::ExcelCsv => lang.pick("CSV for Excel (norsk)", "CSV for Excel (Norwegian)"),
            RunFile::Xlsx => lang.pick("Regneark (xlsx)", "Workbook (xlsx)"),
            RunFile::Ics => lang.pick("Kalender (iCalendar)", "Calendar (iCalendar)"),
            RunFile::GeoJson => lang.pick("Kartdata (GeoJSON)", "Map data (GeoJSON)"),
            RunFile::Report => lang.pick("Rapport (HTML)", "Report (HTML)"),
        }
    }
}

/// What could cover one uncovered request: the instructors who are eligible, nearest first.
pub struct Help {
    pub request: String,
    /// `None` when the request is no longer in the run's data (cannot happen for a stored
    /// run, but a page must not fail on it).
    pub suggestions: Option<Suggestions>,
}

/// How many uncovered requests get suggestions on one page: each is a pass over the
/// eligibility of the whole run.
pub const MAX_HELPED: usize = 30;

impl Service {
    /// A run, if `who` may see it (another cluster's run is not found).
    pub async fn run(&self, who: &Principal, id: i64) -> Result<Run> {
        self.run_for(who, id).await
    }

    /// A run in one of its files, for `who`: (content type, bytes).
    pub async fn run_file(
        &self,
        who: &Principal,
        id: i64,
        file: RunFile,
        lang: Lang,
    ) -> Result<Vec<u8>> {
        let run = self.run_for(who, id).await?;
        let rota = Rota::new(id, &run.dataset, &run.assignments, &run.uncovered, lang);
        Ok(match file {
            RunFile::Csv => rota.sheet(lang).to_csv(CsvDialect::Plain).into_bytes(),
            RunFile::ExcelCsv => rota.sheet(lang).to_csv(CsvDialect::Excel).into_bytes(),
            RunFile::Xlsx => to_xlsx(&rota.sheet(lang)).map_err(|e| {
                AppError::Store(crate::store::StoreError::Corrupt(format!("xlsx: {e}")))
            })?,
            RunFile::Ics => super::calendar::run_calendar(&self.store, &run, None, None, lang)
                .await?
                .into_bytes(),
            RunFile::GeoJson => to_geojson(&run.dataset, &run.assignments).into_bytes(),
            RunFile::Report => {
                let runs = [run];
                let cmp = crate::compare::compare(&runs);
                let municipalities = crate::generate::municipalities();
                crate::export::report::to_html(&runs, &cmp, &municipalities, None, lang)
                    .into_bytes()
            }
        })
    }
}

impl Service {
    /// Suggestions for the first `MAX_HELPED` uncovered requests of `run`, worked out off
    /// the async threads (each is a pass over eligibility).
    pub async fn help_uncovered(&self, run: &Run) -> Vec<Help> {
        let owned = run.clone();
        tokio::task::spawn_blocking(move || help_uncovered(&owned))
            .await
            .unwrap_or_default()
    }
}

/// Suggestions for the first `MAX_HELPED` uncovered requests of `run`.
pub fn help_uncovered(run: &Run) -> Vec<Help> {
    run.uncovered
        .iter()
        .take(MAX_HELPED)
        .map(|u| Help {
            request: u.request.clone(),
            suggestions: suggest(run, &u.request).ok(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_is_found_by_its_name_and_nothing_else_is() {
        for f in RunFile::ALL {
            assert_eq!(RunFile::from_name(f.name()), Some(f));
        }
        assert_eq!(RunFile::from_name("../etc/passwd"), None);
        assert_eq!(RunFile::from_name("rota.pdf"), None);
    }
}
