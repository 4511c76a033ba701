//! `klynge repair`: re-plan a run with the fewest changes after a drop-out, and list what
//! changed for whom.

use std::collections::BTreeMap;
use std::path::Path;

use klynge::app::repair::{PersonChange, RepairInput, by_person, repair as repair_run};
use klynge::export::text::summary;
use klynge::i18n::Lang;
use klynge::store::Store;

use super::progress::Bar;
use super::{Failure, dataset_name, load_dataset};

pub async fn repair(db: &str, lang: Lang, id: i64, dataset: Option<&Path>) -> Result<(), Failure> {
    let ds = dataset.map(load_dataset).transpose()?;
    let store = Store::open(db).await?;
    let input = RepairInput {
        dataset: ds,
        params: None,
        scenario: format!("repair-of-{id}"),
        dataset_name: dataset.map(dataset_name),
    };
    let repaired = {
        let bar = Bar::new(lang);
        repair_run(&store, id, input, bar.progress()).await?
    };
    store.close().await;
    let p = &repaired.planned;
    print!(
        "{}",
        summary(
            repaired.id,
            db,
            &repaired.scenario,
            &repaired.dataset_name,
            &p.outcome,
            &p.ds,
            lang
        )
    );
    print!(
        "{}",
        repair_changes(
            id,
            repaired.changes.len(),
            &by_person(&repaired.changes),
            lang
        )
    );
    Ok(())
}

/// A repair's changes, by person: `  i07: − r03, + r12`.
fn repair_changes(
    repaired_from: i64,
    changes: usize,
    by_person: &BTreeMap<String, Vec<PersonChange>>,
    lang: Lang,
) -> String {
    let mut s = match lang {
        Lang::Nb => format!("Endringer fra kjøring {repaired_from} ({changes}):\n"),
        Lang::En => format!("Changes from run {repaired_from} ({changes}):\n"),
    };
    for (who, what) in by_person {
        let what: Vec<String> = what
            .iter()
            .map(|c| format!("{} {}", if c.gained { "+" } else { "−" }, c.request))
            .collect();
        s.push_str(&format!("  {who}: {}\n", what.join(", ")));
    }
    s
}
