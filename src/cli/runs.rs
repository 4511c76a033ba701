//! `klynge runs`, `klynge rota`, `klynge check`, `klynge approve` and `klynge publish`:
//! stored runs, listed, shown, re-verified, and taken through their life cycle.

use std::path::PathBuf;

use klynge::app::check::check_stored;
use klynge::app::service::ics_stamp;
use klynge::export::text::check_verdict;
use klynge::export::{GroupBy, Rota, runs_table, to_geojson, to_ics};
use klynge::i18n::Lang;
use klynge::store::Store;

use super::{Failure, choice, load_run, write_or_print};

#[derive(clap::Args, Debug)]
pub struct RotaArgs {
    /// The run's id (see `klynge runs`).
    run: i64,
    /// Group the table by association or by instructor.
    #[arg(long, default_value = "association", value_parser = choice::<GroupBy>(&GroupBy::NAMES))]
    by: GroupBy,
    #[arg(long, default_value = "table", value_parser = choice::<Format>(&Format::NAMES))]
    format: Format,
    /// Only this instructor's assignments (e.g. for a personal calendar).
    #[arg(long)]
    instructor: Option<String>,
    /// Only this association's requests.
    #[arg(long)]
    association: Option<String>,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    out: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug)]
enum Format {
    Table,
    Csv,
    Json,
    Ics,
    Geojson,
}

impl Format {
    const NAMES: [&'static str; 5] = ["table", "csv", "json", "ics", "geojson"];
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "table" => Ok(Format::Table),
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            "ics" => Ok(Format::Ics),
            "geojson" => Ok(Format::Geojson),
            other => Err(format!("unknown format {other}")),
        }
    }
}

pub async fn runs(db: &str, lang: Lang) -> Result<(), Failure> {
    let store = Store::open(db).await?;
    let runs = store.runs().await?;
    store.close().await;
    if runs.is_empty() {
        println!(
            "{}",
            lang.pick(
                "Ingen kjøringer ennå. Lag en med `klynge plan DATASETT`.",
                "No runs yet. Make one with `klynge plan DATASET`."
            )
        );
    } else {
        print!("{}", runs_table(&runs, lang));
    }
    Ok(())
}

pub async fn rota(db: &str, lang: Lang, a: RotaArgs) -> Result<(), Failure> {
    let run = load_run(db, a.run).await?;
    let rota = Rota::new(a.run, &run.dataset, &run.assignments, &run.uncovered, lang)
        .filter(a.instructor.as_deref(), a.association.as_deref());
    let text = match a.format {
        Format::Table => rota.to_table(a.by, lang),
        Format::Csv => rota.to_csv(),
        Format::Json => rota.to_json(),
        Format::Ics => to_ics(&rota, &ics_stamp(&run.summary.created_at)),
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
            to_geojson(&run.dataset, &keep)
        }
    };
    write_or_print(a.out.as_deref(), &text)
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
