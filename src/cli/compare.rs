//! `klynge compare` and `klynge report`: runs side by side, in the terminal or as one HTML
//! page.

use std::path::PathBuf;

use klynge::i18n::Lang;

use super::{Failure, choice, load_runs};

#[derive(clap::Args, Debug)]
pub struct CompareArgs {
    /// Two or more run ids; the first is the reference for the changes.
    #[arg(required = true, num_args = 2..)]
    runs: Vec<i64>,
    #[arg(long, default_value = "table", value_parser = choice::<CompareFormat>(&CompareFormat::NAMES))]
    format: CompareFormat,
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
    #[arg(long, default_value_t = 30.0)]
    time_limit: f64,
}

#[derive(Clone, Copy, Debug)]
enum CompareFormat {
    Table,
    Csv,
    Json,
}

impl CompareFormat {
    const NAMES: [&'static str; 3] = ["table", "csv", "json"];
}

impl std::str::FromStr for CompareFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "table" => Ok(CompareFormat::Table),
            "csv" => Ok(CompareFormat::Csv),
            "json" => Ok(CompareFormat::Json),
            other => Err(format!("unknown format {other}")),
        }
    }
}

pub async fn compare(db: &str, lang: Lang, a: CompareArgs) -> Result<(), Failure> {
    let runs = load_runs(db, &a.runs).await?;
    let c = klynge::compare::compare(&runs);
    print!(
        "{}",
        match a.format {
            CompareFormat::Table => c.to_table(lang),
            CompareFormat::Csv => c.to_csv(lang),
            CompareFormat::Json => c.to_json(),
        }
    );
    Ok(())
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
