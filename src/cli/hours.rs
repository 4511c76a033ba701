//! `klynge hours`: taught hours for the study association, from one run or from every
//! published run.

use chrono::NaiveDate;

use klynge::export::{hours_csv, hours_sheet, hours_table};
use klynge::hours::{HoursRules, hours};
use klynge::i18n::Lang;
use klynge::store::Store;

use super::{Failure, FileArgs, FileKind};

#[derive(clap::Args, Debug)]
pub struct HoursArgs {
    /// The run's id (see `klynge runs`); or give --published. /
    /// Kjøringens id; eller bruk --published.
    #[arg(required_unless_present = "published", conflicts_with = "published")]
    run: Option<i64>,
    /// Every published run (the rota people follow). / Alle publiserte kjøringer.
    #[arg(long)]
    published: bool,
    /// Only sessions on or after this day (YYYY-MM-DD or DD.MM.YYYY). / Bare økter fra denne dagen.
    #[arg(long, value_parser = super::day_arg)]
    from: Option<NaiveDate>,
    /// Only sessions on or before this day. / Bare økter til og med denne dagen.
    #[arg(long, value_parser = super::day_arg)]
    to: Option<NaiveDate>,
    /// Minutes in one teaching hour. / Minutter i én undervisningstime.
    #[arg(long, default_value_t = 45, value_parser = clap::value_parser!(u32).range(1..=600))]
    teaching_minutes: u32,
    /// Courses shorter than this many teaching hours are flagged. /
    /// Kurs kortere enn så mange undervisningstimer flagges.
    #[arg(long, default_value_t = 8.0, value_parser = super::decimal_arg)]
    min_teaching_hours: f64,
    /// table, csv (always for a Norwegian spreadsheet: `;`-separated, UTF-8 with BOM,
    /// decimal comma), xlsx (a workbook: give --out) or json. / tabell, csv (alltid for
    /// et norsk regneark), xlsx (regneark: gi --out) eller json.
    #[arg(long, default_value = "table", value_parser = ["table", "csv", "xlsx", "json"])]
    format: String,
    #[command(flatten)]
    file: FileArgs,
}

pub async fn hours_cmd(db: &str, lang: Lang, a: HoursArgs) -> Result<(), Failure> {
    a.file.check(FileKind::of_format(&a.format), lang)?;
    if !(a.min_teaching_hours.is_finite() && a.min_teaching_hours >= 0.0) {
        return Err(Failure::new(
            2,
            lang.pick(
                "--min-teaching-hours må være et tall ≥ 0",
                "--min-teaching-hours must be a number ≥ 0",
            ),
        ));
    }
    let store = Store::open(db).await?;
    let runs = match a.run {
        Some(id) => vec![store.run(id).await?],
        None => klynge::app::lifecycle::published_runs(&store).await?,
    };
    store.close().await;
    let rules = HoursRules {
        teaching_minutes: a.teaching_minutes,
        min_teaching_hours: a.min_teaching_hours,
        from: a.from,
        to: a.to,
    };
    let h = hours(&runs, &rules);
    match a.format.as_str() {
        // The study association's file: for a spreadsheet, with or without --excel.
        "csv" => a.file.write_text(&hours_csv(&h, lang)),
        "xlsx" => a.file.write_xlsx(&hours_sheet(&h, lang), lang),
        "json" => a
            .file
            .write_text(&(serde_json::to_string_pretty(&h).unwrap_or_default() + "\n")),
        _ => a
            .file
            .write_text(&hours_table(&h, rules.teaching_minutes, lang)),
    }
}
