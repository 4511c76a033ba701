//! The cluster's data in the database: importing a dataset (all or nothing, after the same
//! validation as planning) and telling what it added, changed and retired.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::i18n::Lang;
use crate::model::Dataset;
use crate::store::Store;

use super::error::Result;

/// What an import did to one kind of record, by id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub retired: Vec<String>,
}

/// What an import did: associations, instructors, requests.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub associations: Changes,
    pub instructors: Changes,
    pub requests: Changes,
}

impl ImportReport {
    pub fn render(&self, lang: Lang) -> String {
        let mut out = String::new();
        for (what, c) in [
            (lang.pick("Foreninger", "Associations"), &self.associations),
            (lang.pick("Instruktører", "Instructors"), &self.instructors),
            (lang.pick("Forespørsler", "Requests"), &self.requests),
        ] {
            out.push_str(&format!(
                "  {what:<14} {} {}, {} {}, {} {}\n",
                c.added.len(),
                lang.pick("nye", "added"),
                c.changed.len(),
                lang.pick("endret", "changed"),
                c.retired.len(),
                lang.pick("fjernet", "retired"),
            ));
        }
        out
    }
}

/// Record by id, as JSON, for comparing an old and a new import.
fn by_id<T: Serialize>(
    items: &[T],
    id: impl Fn(&T) -> &str,
) -> BTreeMap<String, serde_json::Value> {
    items
        .iter()
        .map(|x| {
            (
                id(x).to_owned(),
                serde_json::to_value(x).unwrap_or_default(),
            )
        })
        .collect()
}

fn changes(
    before: &BTreeMap<String, serde_json::Value>,
    after: &BTreeMap<String, serde_json::Value>,
) -> Changes {
    Changes {
        added: after
            .keys()
            .filter(|k| !before.contains_key(*k))
            .cloned()
            .collect(),
        changed: after
            .iter()
            .filter(|(k, v)| before.get(*k).is_some_and(|b| b != *v))
            .map(|(k, _)| k.clone())
            .collect(),
        retired: before
            .keys()
            .filter(|k| !after.contains_key(*k))
            .cloned()
            .collect(),
    }
}

/// Makes a validated dataset the current data (one transaction: all or nothing), and says
/// what changed against the data before it.
/// `by` (who imports) is recorded in the audit trail with the counts.
pub async fn import(store: &Store, by: &str, name: &str, ds: &Dataset) -> Result<ImportReport> {
    let problems = crate::model::validate(ds);
    if !problems.is_empty() {
        return Err(super::AppError::Dataset(crate::model::Problems(problems)));
    }
    let before = store
        .current_data()
        .await?
        .map(|(d, _)| d)
        .unwrap_or_default();
    let report = ImportReport {
        associations: changes(
            &by_id(&before.associations, |a| &a.id),
            &by_id(&ds.associations, |a| &a.id),
        ),
        instructors: changes(
            &by_id(&before.instructors, |i| &i.id),
            &by_id(&ds.instructors, |i| &i.id),
        ),
        requests: changes(
            &by_id(&before.requests, |r| &r.id),
            &by_id(&ds.requests, |r| &r.id),
        ),
    };
    store.set_current_data(name, ds).await?;
    let counts = |c: &Changes| {
        format!(
            "+{} ~{} -{}",
            c.added.len(),
            c.changed.len(),
            c.retired.len()
        )
    };
    let detail = format!(
        "associations {}, instructors {}, requests {}",
        counts(&report.associations),
        counts(&report.instructors),
        counts(&report.requests)
    );
    store.audit(by, "import", name, &detail).await?;
    Ok(report)
}

/// The current data, if any was imported.
pub async fn current(store: &Store) -> Result<Option<(Dataset, String)>> {
    Ok(store.current_data().await?)
}
