//! `klynge runs`, `klynge rota`, `klynge check`, `klynge approve` and `klynge publish`:
//! stored runs, listed, shown, re-verified, and taken through their life cycle.

use klynge::app::calendar::run_calendar;
use klynge::app::check::check_stored;
use klynge::export::text::check_verdict;
use klynge::export::{GroupBy, Rota, runs_sheet, runs_table, to_geojson};
use klynge::i18n::Lang;
use klynge::store::Store;

use super::{Failure, FileArgs, FileKind, choice};

#[derive(clap::Args, Debug)]
pub struct RunsArgs {
    /// table, csv or xlsx (a workbook: give --out). / tabell, csv eller xlsx (regneark: gi --out).
    #[arg(long, default_value = "table", value_parser = ["table", "csv", "xlsx"])]
    format: String,
    #[command(flatten)]
    file: FileArgs,
}

#[derive(clap::Args, Debug)]
pub struct RotaArgs {
    /// The run's id (see `klynge runs`).
    run: i64,
    /// Group the table by association or by instructor.
    #[arg(long, default_value = "association", value_parser = choice::<GroupBy>(&GroupBy::NAMES))]
    by: GroupBy,
    /// table, csv, xlsx (a workbook: give --out), json, ics or geojson. /
    /// tabell, csv, xlsx (regneark: gi --out), json, ics eller geojson.
    #[arg(long, default_value = "table", value_parser = choice::<Format>(&Format::NAMES))]
    format: Format,
    /// Only this instructor's assignments (e.g. for a personal calendar).
    #[arg(long)]
    instructor: Option<String>,
    /// Only this association's requests.
    #[arg(long)]
    association: Option<String>,
    #[command(flatten)]
    file: FileArgs,
}

#[derive(Clone, Copy, Debug)]
enum Format {
    Table,
    Csv,
    Xlsx,
    Json,
    Ics,
    Geojson,
}

impl Format {
    const NAMES: [&'static str; 6] = ["table", "csv", "xlsx", "json", "ics", "geojson"];

    fn kind(self) -> FileKind {
        match self {
            Format::Csv => FileKind::Csv,
            Format::Xlsx => FileKind::Xlsx,
            _ => FileKind::Text,
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "table" => Ok(Format::Table),
            "csv" => Ok(Format::Csv),
            "xlsx" => Ok(Format::Xlsx),
            "json" => Ok(Format::Json),
            "ics" => Ok(Format::Ics),
            "geojson" => Ok(Format::Geojson),
            other => Err(format!("unknown format {other}")),
        }
    }
}

pub async fn runs(db: &str, lang: Lang, a: RunsArgs) -> Result<(), Failure> {
    let kind = FileKind::of_format(&a.format);
    a.file.check(kind, lang)?;
    let store = Store::open(db).await?;
    let runs = store.runs().await?;
    store.close().await;
    match kind {
        FileKind::Csv => a
            .file
            .write_text(&runs_sheet(&runs, lang).to_csv(a.file.dialect())),
        FileKind::Xlsx => a.file.write_xlsx(&runs_sheet(&runs, lang), lang),
        FileKind::Text if runs.is_empty() => a.file.write_text(&format!(
            "{}\n",
            lang.pick(
                "Ingen kjøringer ennå. Lag en med `klynge plan DATASETT`.",
                "No runs yet. Make one with `klynge plan DATASET`."
            )
        )),
        FileKind::Text => a.file.write_text(&runs_table(&runs, lang)),
    }
}

pub async fn rota(db: &str, lang: Lang, a: RotaArgs) -> Result<(), Failure> {
    a.file.check(a.format.kind(), lang)?;
    let store = Store::open(db).await?;
    let rendered = render_rota(&store, lang, &a).await;
    store.close().await;
    match rendered? {
        Rendered::Text(text) => a.file.write_text(&text),
        Rendered::Sheet(sheet) if matches!(a.format, Format::Xlsx) => {
            a.file.write_xlsx(&sheet, lang)
        }
        Rendered::Sheet(sheet) => a.file.write_text(&sheet.to_csv(a.file.dialect())),
    }
}

/// A rota as text of its own format, or as a sheet for CSV and xlsx.
enum Rendered {
    Text(String),
    Sheet(klynge::export::Sheet),
}

async fn render_rota(store: &Store, lang: Lang, a: &RotaArgs) -> Result<Rendered, Failure> {
    let run = store.run(a.run).await?;
    let rota = Rota::new(a.run, &run.dataset, &run.assignments, &run.uncovered, lang)
        .filter(a.instructor.as_deref(), a.association.as_deref());
    Ok(match a.format {
        Format::Table => Rendered::Text(rota.to_table(a.by, lang)),
        Format::Csv | Format::Xlsx => Rendered::Sheet(rota.sheet(lang)),
        Format::Json => Rendered::Text(rota.to_json()),
        // From the whole run and the publications: an instructor's events name the others.
        Format::Ics => Rendered::Text(
            run_calendar(
                store,
                &run,
                a.instructor.as_deref(),
                a.association.as_deref(),
                lang,
            )
            .await?,
        ),
        Format::Geojson => {
            let keep: Vec<klynge::plan::Assignment> = run
                .assignments
                .iter()
                .filter(|x| {
                    rota.entries
                        .iter()
                        .any(|e| e.request == x.request && e.instructor == x.instructor)
                })
                .cloned()
                .collect();
            Rendered::Text(to_geojson(&run.dataset, &keep))
        }
    })
}

pub async fn check(db: &str, lang: Lang, id: i64) -> Result<(), Failure> {
    let store = Store::open(db).await?;
    let run = store.run(id).await?;
    let violations = check_stored(&store, &run).await?;
    store.close().await;
    match check_verdict(id, run.assignments.len(), &violations, lang) {
        Ok(line) => {
            println!("{line}");
            Ok(())
        }
        Err(problems) => Err(Failure::new(1, problems)),
    }
}

pub async fn approve(db: &str, lang: Lang, id: i64) -> Result<(), Failure> {
    let store = Store::open(db).await?;
    let done = klynge::app::lifecycle::approve(&store, "cli", id).await;
    store.close().await;
    done?;
    println!(
        "{}",
        match lang {
            Lang::Nb =>
                format!("Kjøring {id} er godkjent; publiser den med `klynge publish {id}`."),
            Lang::En => format!("Run {id} is approved; publish it with `klynge publish {id}`."),
        }
    );
    Ok(())
}

pub async fn publish(db: &str, lang: Lang, id: i64) -> Result<(), Failure> {
    let store = Store::open(db).await?;
    let run = store.run(id).await?;
    let done = klynge::app::lifecycle::publish(&store, "cli", &run).await;
    store.close().await;
    done?;
    println!(
        "{}",
        match lang {
            Lang::Nb => format!("Kjøring {id} er publisert."),
            Lang::En => format!("Run {id} is published."),
        }
    );
    Ok(())
}
