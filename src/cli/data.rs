//! `klynge import` and `klynge export`: the cluster's data in and out of the database.

use std::path::Path;

use klynge::app::data::{current, import as import_data};
use klynge::i18n::Lang;
use klynge::store::Store;

use super::{Failure, dataset_counts, dataset_name, load_dataset, write_dataset};

/// `klynge import PATH`: a folder of CSV files or a .json file, checked like a plan's
/// input, becomes the current data in one transaction; nothing changes on bad input.
pub async fn import(db: &str, lang: Lang, path: &Path) -> Result<(), Failure> {
    let ds = load_dataset(path)?;
    let store = Store::open(db).await?;
    let report = import_data(&store, "cli", &dataset_name(path), &ds).await;
    store.close().await;
    let report = report?;
    println!(
        "{} {} ({}):",
        lang.pick("Importerte", "Imported"),
        path.display(),
        dataset_counts(&ds, lang)
    );
    print!("{}", report.render(lang));
    Ok(())
}

/// `klynge export OUT`: the current data as a folder of CSV files, or a .json file.
pub async fn export(db: &str, lang: Lang, out: &Path) -> Result<(), Failure> {
    let store = Store::open(db).await?;
    let data = current(&store).await;
    store.close().await;
    let Some((ds, _)) = data? else {
        return Err(no_data(lang));
    };
    write_dataset(&ds, out)?;
    println!("{} {}", lang.pick("Skrev", "Wrote"), out.display());
    Ok(())
}

/// `klynge audit`: the newest changes, one line each.
pub async fn audit(db: &str, lang: Lang, limit: i64) -> Result<(), Failure> {
    let store = Store::open(db).await?;
    let log = store.audit_log(limit.max(0)).await;
    store.close().await;
    let log = log?;
    if log.is_empty() {
        println!("{}", lang.pick("Ingen endringer ennå.", "No changes yet."));
    }
    for e in log {
        println!(
            "{}  {:<24} {:<22} {:<14} {}",
            lang.timestamp(&e.at),
            e.actor,
            action_name(&e.action, lang),
            subject_name(&e.subject, lang),
            e.detail
        );
    }
    Ok(())
}

/// An audit entry's action, stored as a code (`approve`, `add instructor`), in words.
fn action_name(code: &str, lang: Lang) -> String {
    let (nb, en) = match code {
        "import" => ("importerte data", "imported data"),
        "approve" => ("godkjente", "approved"),
        "publish" => ("publiserte", "published"),
        "submit" => ("sendte inn", "submitted"),
        "withdraw" => ("trakk tilbake", "withdrew"),
        "answer" => ("svarte", "answered"),
        "add instructor" => ("la til instruktør", "added instructor"),
        "edit instructor" => ("endret instruktør", "changed instructor"),
        "retire instructor" => ("fjernet instruktør", "retired instructor"),
        "add association" => ("la til forening", "added association"),
        "edit association" => ("endret forening", "changed association"),
        "retire association" => ("fjernet forening", "retired association"),
        "change own times" => ("endret egne tider", "changed own times"),
        "add offer" => ("la til tilbud", "added offer"),
        "edit offer" => ("endret tilbud", "changed offer"),
        "remove offer" => ("fjernet tilbud", "removed offer"),
        other => return other.to_owned(),
    };
    lang.pick(nb, en).to_owned()
}

/// An audit entry's subject: `run 3` is `kjøring 3` in bokmål; ids stay as they are.
fn subject_name(subject: &str, lang: Lang) -> String {
    match subject.strip_prefix("run ") {
        Some(id) => format!("{} {id}", lang.pick("kjøring", "run")),
        None => subject.to_owned(),
    }
}

/// The current data, for commands that plan it when no folder is given.
pub async fn current_or_fail(
    db: &str,
    lang: Lang,
) -> Result<(klynge::model::Dataset, String), Failure> {
    let store = Store::open(db).await?;
    let data = current(&store).await;
    store.close().await;
    data?.ok_or_else(|| no_data(lang))
}

fn no_data(lang: Lang) -> Failure {
    Failure::new(
        2,
        lang.pick(
            "Databasen har ingen data ennå: importer dem med `klynge import MAPPE` (eller gi en mappe).",
            "The database holds no data yet: import them with `klynge import FOLDER` (or give a folder).",
        ),
    )
}
