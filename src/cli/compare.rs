//! `klynge compare` and `klynge report`: runs side by side, in the terminal or as one HTML
//! page.

use std::path::PathBuf;

use klynge::i18n::Lang;

use super::{Failure, FileArgs, FileKind, choice, load_runs};

#[derive(clap::Args, Debug)]
pub struct CompareArgs {
    /// Two or more run ids; the first is the reference for the changes.
    #[arg(required = true, num_args = 2..)]
    runs: Vec<i64>,
    /// table, csv, xlsx (a workbook: give --out) or json. /
    /// tabell, csv, xlsx (regneark: gi --out) eller json.
    #[arg(long, default_value = "table", value_parser = choice::<CompareFormat>(&CompareFormat::NAMES))]
    format: CompareFormat,
    #[command(flatten)]
    file: FileArgs,
}

#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// One or more run ids; the first is the reference for the changes.
    #[arg(required = true)]
    runs: Vec<i64>,
    /// The HTML file to write.
    #[arg(long, short, default_value = "report.html")]
    out: PathBuf,
    /// Training advice for the first run: how many trainings (0: no such section). /
    /// Kursråd for den første kjøringen: hvor mange kurs (0: ingen).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(0..=20))]
    trainings: u32,
    /// Seconds the training advice may search. / Sekunder kursrådet kan lete.
    #[arg(long, default_value_t = 30.0, value_parser = super::decimal_arg)]
    time_limit: f64,
}

#[derive(Clone, Copy, Debug)]
enum CompareFormat {
    Table,
    Csv,
    Xlsx,
    Json,
}

impl CompareFormat {
    const NAMES: [&'static str; 4] = ["table", "csv", "xlsx", "json"];
}

impl std::str::FromStr for CompareFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "table" => Ok(CompareFormat::Table),
            "csv" => Ok(CompareFormat::Csv),
            "xlsx" => Ok(CompareFormat::Xlsx),
            "json" => Ok(CompareFormat::Json),
            other => Err(format!("unknown format {other}")),
        }
    }
}

pub async fn compare(db: &str, lang: Lang, a: CompareArgs) -> Result<(), Failure> {
    a.file.check(
        match a.format {
            CompareFormat::Csv => FileKind::Csv,
            CompareFormat::Xlsx => FileKind::Xlsx,
            CompareFormat::Table | CompareFormat::Json => FileKind::Text,
        },
        lang,
    )?;
    let runs = load_runs(db, &a.runs).await?;
    let c = klynge::compare::compare(&runs);
    match a.format {
        CompareFormat::Table => a.file.write_text(&c.to_table(lang)),
        CompareFormat::Csv => a.file.write_text(&c.sheet(lang).to_csv(a.file.dialect())),
        CompareFormat::Xlsx => a.file.write_xlsx(&c.sheet(lang), lang),
        CompareFormat::Json => a.file.write_text(&c.to_json()),
    }
}

pub async fn report(db: &str, lang: Lang, a: ReportArgs) -> Result<(), Failure> {
    let runs = load_runs(db, &a.runs).await?;
    let cmp = klynge::compare::compare(&runs);
    // The reference municipalities, for the report's white spots (as `klynge whitespots`).
    let municipalities = klynge::generate::municipalities();
    let advice = if a.trainings > 0 {
        let advice = klynge::app::advise::advise_blocking(
            runs[0].clone(),
            a.trainings as usize,
            a.time_limit.clamp(0.1, 600.0),
        )
        .await?;
        Some(advice.section(lang))
    } else {
        None
    };
    let html = klynge::export::report::to_html(&runs, &cmp, &municipalities, advice, lang);
    std::fs::write(&a.out, html).map_err(|e| Failure::io(&a.out, e))?;
    println!("{} {}", lang.pick("Skrev", "Wrote"), a.out.display());
    Ok(())
}
