//! Who may do what: a token's subject must name something in the cluster's data, and a
//! token is made only for such a subject.

use crate::model::{AssociationKind, Dataset};
use crate::store::{Role, Store};

use super::error::{AppError, Result};

/// Whether `subject` names something in `ds` for `role`: `*` or a hub for a coordinator, a
/// small association for an association, an instructor for an instructor.
pub fn subject_exists(ds: &Dataset, role: Role, subject: &str) -> bool {
    match role {
        Role::Coordinator => {
            subject == "*"
                || ds
                    .association(subject)
                    .is_some_and(|a| a.kind == AssociationKind::Hub)
        }
        Role::Association => ds
            .association(subject)
            .is_some_and(|a| a.kind == AssociationKind::Small),
        Role::Instructor => ds.instructors.iter().any(|i| i.id == subject),
    }
}

/// A new token for `subject`, checked against `data` (or, when none is given, against the
/// input of the newest stored run). Returns the token and whether the subject could be
/// checked at all (a database with no run and no dataset given cannot say).
pub async fn create_token(
    store: &Store,
    data: Option<&Dataset>,
    role: Role,
    subject: &str,
) -> Result<(String, bool)> {
    if subject.trim().is_empty() {
        return Err(AppError::UnknownSubject(subject.to_owned()));
    }
    let newest = match data {
        Some(_) => None,
        None => match store.latest_run(None).await? {
            Some(id) => Some(store.run(id).await?.dataset),
            None => None,
        },
    };
    let checked = match data.or(newest.as_ref()) {
        Some(ds) if !subject_exists(ds, role, subject) => {
            return Err(AppError::UnknownSubject(subject.to_owned()));
        }
        Some(_) => true,
        None => false,
    };
    Ok((store.create_token(role, subject).await?, checked))
}
