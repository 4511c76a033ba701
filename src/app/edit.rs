//! Editing the cluster's data one record at a time: a coordinator adds, edits and retires
//! the instructors and associations of their cluster; an instructor changes their own
//! weekly availability and away-periods.
//!
//! Every change is checked by the same rules as an imported file (the whole dataset, with
//! the change, must pass `validate`), and stored as the new current data together with its
//! audit record in one transaction; when someone else changed the data meanwhile, the
//! change is applied again to their version (nothing is lost). A change that breaks a
//! published assignment — the independent checker says so — makes a repair proposal for
//! the coordinator. It never publishes anything itself.

use crate::i18n::{Lang, Localized};
use crate::model::{AssociationKind, Dataset, validate};
use crate::store::{Change, Principal, Role};

use super::error::{AppError, Result};
use super::lifecycle::actor;
use super::records::{
    AssociationRecord, EDITED, EDITED_AWAY, EDITED_SLOT, Fields, InstructorRecord, MAX_LIST,
    OwnTimes, read_association, read_away, read_instructor, read_slots,
};
use super::requests::FieldError;
use super::service::Service;

/// What a change did beyond itself: the repair proposals it made (published assignments it
/// broke), or why a repair could not be made (the answers conflict; the coordinator sees
/// the rota as it is and decides).
#[derive(Debug, Default)]
pub struct Edited {
    pub repair_runs: Vec<i64>,
    pub repair_problem: Option<AppError>,
}

/// How often a change is re-applied when others keep changing the data first.
const ATTEMPTS: usize = 5;

impl Service {
    /// The instructors `who` may edit: all for a coordinator of all clusters, those of
    /// their hub for a hub's coordinator.
    pub fn instructors_for(&self, who: &Principal) -> Vec<InstructorRecord> {
        self.base()
            .instructors
            .iter()
            .filter(|i| edits_instructor(who, &i.association))
            .map(InstructorRecord::from)
            .collect()
    }

    /// The associations `who` may edit: their cluster's (the hub too).
    pub fn associations_for(&self, who: &Principal) -> Vec<AssociationRecord> {
        self.base()
            .associations
            .iter()
            .filter(|a| self.coordinator_sees(who, &a.id))
            .map(AssociationRecord::from)
            .collect()
    }

    /// One instructor `who` may edit; another cluster's is unknown (nothing leaks).
    pub fn instructor_for(&self, who: &Principal, id: &str) -> Result<InstructorRecord> {
        self.instructors_for(who)
            .into_iter()
            .find(|i| i.id == id)
            .ok_or_else(|| AppError::UnknownRecord(id.to_owned()))
    }

    pub fn association_for(&self, who: &Principal, id: &str) -> Result<AssociationRecord> {
        self.associations_for(who)
            .into_iter()
            .find(|a| a.id == id)
            .ok_or_else(|| AppError::UnknownRecord(id.to_owned()))
    }

    /// Adds an instructor (`existing = None`) or changes instructor `existing`; the id may
    /// not change. A hub's coordinator adds instructors to their own hub only.
    pub async fn save_instructor(
        &self,
        who: &Principal,
        existing: Option<&str>,
        record: &InstructorRecord,
        lang: Lang,
    ) -> Result<Edited> {
        if let Some(id) = existing {
            self.instructor_for(who, id)?;
            same_id(id, &record.id, lang)?;
        }
        let instructor = read_instructor(record, lang).map_err(AppError::Fields)?;
        if !edits_instructor(who, &instructor.association) {
            return Err(field(
                "association",
                lang.pick(
                    "du kan bare legge til instruktører i din egen forening",
                    "you can only add instructors to your own association",
                ),
            ));
        }
        let action = if existing.is_some() {
            "edit instructor"
        } else {
            "add instructor"
        };
        self.change(who, action, &instructor.id.clone(), lang, move |ds| {
            upsert(
                &mut ds.instructors,
                |i| i.id == instructor.id,
                instructor.clone(),
                existing.is_none(),
                lang,
            )
        })
        .await
    }

    /// Retires an instructor: gone from the current data (past runs keep them).
    pub async fn retire_instructor(&self, who: &Principal, id: &str, lang: Lang) -> Result<Edited> {
        self.instructor_for(who, id)?;
        self.change(who, "retire instructor", id, lang, |ds| {
            ds.instructors.retain(|i| i.id != id);
            Ok(())
        })
        .await
    }

    /// Adds or changes an association. A hub's coordinator adds small associations to
    /// their own cluster only, and cannot make hubs.
    pub async fn save_association(
        &self,
        who: &Principal,
        existing: Option<&str>,
        record: &AssociationRecord,
        lang: Lang,
    ) -> Result<Edited> {
        if let Some(id) = existing {
            self.association_for(who, id)?;
            same_id(id, &record.id, lang)?;
        }
        let association = read_association(record, lang).map_err(AppError::Fields)?;
        if who.subject != "*" {
            let own_hub = association.id == who.subject;
            if !own_hub && association.kind == AssociationKind::Hub {
                return Err(field(
                    "kind",
                    lang.pick(
                        "bare en koordinator for alle klynger kan legge til en hub",
                        "only a coordinator of all clusters can add a hub",
                    ),
                ));
            }
            if !own_hub && association.cluster.as_deref() != Some(who.subject.as_str()) {
                return Err(field(
                    "cluster",
                    lang.pick(
                        "foreningen må høre til din klynge",
                        "the association must belong to your cluster",
                    ),
                ));
            }
        }
        let action = if existing.is_some() {
            "edit association"
        } else {
            "add association"
        };
        self.change(who, action, &association.id.clone(), lang, move |ds| {
            upsert(
                &mut ds.associations,
                |a| a.id == association.id,
                association.clone(),
                existing.is_none(),
                lang,
            )
        })
        .await
    }

    /// Retires an association: refused while instructors, requests or submitted requests
    /// still belong to it (they would point at nothing).
    pub async fn retire_association(
        &self,
        who: &Principal,
        id: &str,
        lang: Lang,
    ) -> Result<Edited> {
        self.association_for(who, id)?;
        let open = self
            .store
            .live_requests(Some(id))
            .await?
            .iter()
            .filter(|l| !l.withdrawn)
            .count();
        if open > 0 {
            return Err(field(
                "id",
                &match lang {
                    Lang::Nb => {
                        format!("foreningen har {open} åpne forespørsler; trekk dem tilbake først")
                    }
                    Lang::En => {
                        format!("the association has {open} open requests; withdraw them first")
                    }
                },
            ));
        }
        self.change(who, "retire association", id, lang, |ds| {
            ds.associations.retain(|a| a.id != id);
            Ok(())
        })
        .await
    }

    /// An instructor's own availability and away-periods.
    pub fn own_times(&self, instructor: &str) -> Result<OwnTimes> {
        self.base()
            .instructors
            .iter()
            .find(|i| i.id == instructor)
            .map(OwnTimes::from)
            .ok_or_else(|| AppError::UnknownRecord(instructor.to_owned()))
    }

    /// An instructor replaces their own weekly availability and away-periods.
    pub async fn set_own_times(
        &self,
        instructor: &str,
        times: &OwnTimes,
        lang: Lang,
    ) -> Result<Edited> {
        let mut f = Fields::new(lang);
        if times.availability.len() > MAX_LIST || times.away.len() > MAX_LIST {
            f.push("availability", "listen er for lang", "the list is too long");
        }
        let availability = read_slots(&mut f, "availability", &times.availability);
        let blackouts = read_away(&mut f, "away", &times.away);
        if !f.errors.is_empty() {
            return Err(AppError::Fields(f.errors));
        }
        let who = Principal {
            role: Role::Instructor,
            subject: instructor.to_owned(),
        };
        self.change(&who, "change own times", instructor, lang, |ds| {
            let me = ds
                .instructors
                .iter_mut()
                .find(|i| i.id == instructor)
                .ok_or_else(|| AppError::UnknownRecord(instructor.to_owned()))?;
            me.availability = availability.clone();
            me.blackouts = blackouts.clone();
            Ok(())
        })
        .await
    }

    /// Applies `edit` to the current data, checks the result as an import would, and
    /// stores it with its audit record, re-applying it when someone else changed the data
    /// first. Then repairs each published rota the change broke.
    pub(super) async fn change(
        &self,
        who: &Principal,
        action: &str,
        subject: &str,
        lang: Lang,
        edit: impl Fn(&mut Dataset) -> Result<()>,
    ) -> Result<Edited> {
        let one_at_a_time = self.editing.lock().await;
        for _ in 0..ATTEMPTS {
            let hash = self.store.current_data_hash().await?;
            let (mut ds, name) = self
                .store
                .current_data()
                .await?
                .unwrap_or_else(|| (Dataset::default(), "service".into()));
            edit(&mut ds)?;
            label_origins(&mut ds, lang);
            let problems = validate(&ds);
            if !problems.is_empty() {
                return Err(AppError::Fields(field_errors(&problems, lang)));
            }
            // Only what was done and to whom; the values (personal data) stay out of the
            // audit trail, which `klynge person export` would otherwise have to search.
            let change = Change {
                actor: &actor(who),
                action,
                subject,
                detail: "",
            };
            if self
                .store
                .replace_current_data(hash.as_deref(), &name, &ds, &change)
                .await?
            {
                self.refresh().await?;
                drop(one_at_a_time);
                return self.repair_broken().await;
            }
        }
        Err(AppError::DataBusy)
    }

    /// Makes a repair proposal for every published run whose rota the current data break
    /// (an instructor now away, retired, with a shorter reach, ...), by the independent
    /// checker's verdict on the run's rota against today's version of its people.
    async fn repair_broken(&self) -> Result<Edited> {
        let base = self.base();
        let mut edited = Edited::default();
        for summary in self.store.runs().await? {
            if summary.status != "published" {
                continue;
            }
            let run = self.store.run(summary.id).await?;
            if !broken_by(&run, &base) {
                continue;
            }
            match self.repair_run(&run, super::plan::no_progress()).await {
                Ok(r) => edited.repair_runs.push(r.id),
                Err(e @ AppError::Answers(_)) => edited.repair_problem = Some(e),
                Err(e) => return Err(e),
            }
        }
        Ok(edited)
    }
}

/// Whether today's data break a run's rota: an assigned instructor is gone, or the checker
/// finds a violation once the run's instructors and associations are today's versions.
fn broken_by(run: &crate::run::Run, today: &Dataset) -> bool {
    let mut ds = run.dataset.clone();
    for i in &mut ds.instructors {
        match today.instructors.iter().find(|t| t.id == i.id) {
            Some(t) => *i = t.clone(),
            None if run.assignments.iter().any(|a| a.instructor == i.id) => return true,
            None => {}
        }
    }
    for a in &mut ds.associations {
        if let Some(t) = today.associations.iter().find(|t| t.id == a.id) {
            *a = t.clone();
        }
    }
    !crate::plan::check(&ds, &run.check_scenario(), &run.pairs()).is_empty()
}

/// Names each stored record (they have no file or line) so that a problem the change
/// causes elsewhere says which record it is in: "instruktør i07".
fn label_origins(ds: &mut Dataset, lang: Lang) {
    use crate::model::Origin;
    let label = |origin: &mut Origin, what: &str, id: &str| {
        if origin.file.is_empty() {
            *origin = Origin::new(format!("{what} {id}"), None);
        }
    };
    for a in &mut ds.associations {
        label(&mut a.origin, lang.pick("forening", "association"), &a.id);
    }
    for i in &mut ds.instructors {
        label(&mut i.origin, lang.pick("instruktør", "instructor"), &i.id);
    }
    for r in &mut ds.requests {
        label(&mut r.origin, lang.pick("forespørsel", "request"), &r.id);
    }
}

/// Whether `who` may edit an instructor whose home is `association`.
fn edits_instructor(who: &Principal, association: &str) -> bool {
    who.role == Role::Coordinator && (who.subject == "*" || who.subject == association)
}

pub(super) fn same_id(existing: &str, given: &str, lang: Lang) -> Result<()> {
    if given.trim() == existing {
        Ok(())
    } else {
        Err(field(
            "id",
            lang.pick("id-en kan ikke endres", "the id cannot be changed"),
        ))
    }
}

pub(super) fn field(name: &str, message: &str) -> AppError {
    AppError::Fields(vec![FieldError {
        field: name.into(),
        message: message.into(),
    }])
}

/// Puts `item` in `items`: new (`adding`: its id must not be taken) or in place of the one
/// `is_it` finds.
pub(super) fn upsert<T>(
    items: &mut Vec<T>,
    is_it: impl Fn(&T) -> bool,
    item: T,
    adding: bool,
    lang: Lang,
) -> Result<()> {
    match (items.iter().position(is_it), adding) {
        (Some(_), true) => Err(field(
            "id",
            lang.pick("id-en er allerede i bruk", "the id is already taken"),
        )),
        (Some(k), false) => {
            items[k] = item;
            Ok(())
        }
        (None, true) => {
            items.push(item);
            Ok(())
        }
        (None, false) => Err(field("id", lang.pick("finnes ikke", "does not exist"))),
    }
}

/// Validation problems as field errors: the edited record's by its field (a slot's or an
/// away-period's by its place in the list); a problem elsewhere — a record that would
/// point at a retired one — with what it is and where.
fn field_errors(problems: &[crate::model::Problem], lang: Lang) -> Vec<FieldError> {
    problems
        .iter()
        .map(|p| {
            let column = p.column.clone().unwrap_or_default();
            let at = |list: &str| format!("{list}[{}].{column}", p.line.unwrap_or(0));
            match p.file.as_str() {
                EDITED => FieldError {
                    field: column,
                    message: p.kind.localized(lang),
                },
                EDITED_SLOT => FieldError {
                    field: at("availability"),
                    message: p.kind.localized(lang),
                },
                EDITED_AWAY => FieldError {
                    field: at("away"),
                    message: p.kind.localized(lang),
                },
                _ => FieldError {
                    field: "id".into(),
                    message: match lang {
                        Lang::Nb => format!(
                            "endringen ville gjøre andre data ugyldige: {}",
                            p.render(lang)
                        ),
                        Lang::En => format!(
                            "the change would make other data invalid: {}",
                            p.render(lang)
                        ),
                    },
                },
            }
        })
        .collect()
}
