//! The coordinator's pages for the cluster's people and places: the lists, and one form
//! per instructor, association or other offer (add, change, retire), with each problem
//! beside its field. The forms are read into the API's records here; the use cases check
//! everything else. Each destructive action has its confirm step here; the fields of each
//! form, as shown, are in `fields`.

mod fields;

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use self::fields::record_page;
use super::frame::{Done, Frame};
use super::record_form::{
    association_values, instructor_values, offer_values, read_association_form,
    read_instructor_form, read_offer_form,
};
use super::{
    Confirm, Message, OrPage, PageError, PageLang, confirm, done_to, filters, names, render,
};
use crate::app::edit::Edited;
use crate::app::offers::OfferRecord;
use crate::app::records::{AssociationRecord, InstructorRecord};
use crate::app::{AppError, Service};
use crate::i18n::Lang;
use crate::model::AssociationKind;
use crate::server::auth::{COORDINATOR, PageCaller};

type Coordinator = PageCaller<COORDINATOR>;

#[derive(Template)]
#[template(path = "people.html")]
struct PeoplePage<'a> {
    lang: Lang,
    title: &'a str,
    frame: Frame,
    instructors: Vec<InstructorRecord>,
    associations: Vec<AssociationRecord>,
    offers: Vec<OfferRecord>,
}

impl PeoplePage<'_> {
    fn topics(&self, codes: &[String]) -> String {
        let shown: Vec<String> = codes.iter().map(|c| names::topic(c, self.lang)).collect();
        shown.join(", ")
    }

    fn languages(&self, codes: &[String]) -> String {
        let shown: Vec<String> = codes
            .iter()
            .map(|c| names::language(c, self.lang))
            .collect();
        shown.join(", ")
    }
}

/// Checkboxes post `topics.nettbank=on`: folded into `topics=nettbank, …` as the text
/// field has it, so that the form reader stays one. A form posted by hand with the text
/// field itself is read as before.
fn fold_checks(form: &mut HashMap<String, String>) {
    for field in ["topics", "languages", "willing_languages"] {
        let prefix = format!("{field}.");
        let mut picked: Vec<String> = form
            .keys()
            .filter_map(|k| k.strip_prefix(&prefix).map(str::to_owned))
            .collect();
        let marker = format!("{field}.present");
        if picked.is_empty() && !form.contains_key(&marker) {
            continue;
        }
        picked.retain(|p| p != "present");
        picked.sort();
        form.retain(|k, _| !k.starts_with(&prefix));
        form.insert(field.to_owned(), picked.join(", "));
    }
}

pub async fn list(State(state): State<Arc<Service>>, c: Coordinator, done: Done) -> Response {
    render(
        StatusCode::OK,
        &PeoplePage {
            lang: c.lang,
            title: c.lang.pick("Folk og foreninger", "People and associations"),
            frame: Frame::of(&state, &c.who, c.lang, "/coordinator/people").flash(&done, c.lang),
            instructors: state.instructors_for(&c.who),
            associations: state.associations_for(&c.who),
            offers: state.offers_for(&c.who),
        },
    )
}

/// Which form: an instructor's or an association's, new or existing.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Instructor,
    Association,
    Offer,
}

impl Kind {
    fn path(self) -> &'static str {
        match self {
            Kind::Instructor => "/coordinator/instructors",
            Kind::Association => "/coordinator/associations",
            Kind::Offer => "/coordinator/offers",
        }
    }

    fn from_path(segment: &str) -> Option<Kind> {
        match segment {
            "instructors" => Some(Kind::Instructor),
            "associations" => Some(Kind::Association),
            "offers" => Some(Kind::Offer),
            _ => None,
        }
    }
}

fn kind(segment: &str, lang: Lang) -> Result<Kind, PageError> {
    Kind::from_path(segment).ok_or_else(|| {
        PageError::new(
            StatusCode::NOT_FOUND,
            lang.pick("Fant ikke siden.", "No such page."),
            lang,
        )
    })
}

/// The form for a new record (`id` = `new`) or an existing one.
pub async fn form(
    State(state): State<Arc<Service>>,
    c: Coordinator,
    Path((segment, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let kind = kind(&segment, c.lang)?;
    let existing = (id != "new").then_some(id.as_str());
    let values = match (kind, existing) {
        (Kind::Instructor, Some(id)) => {
            instructor_values(&state.instructor_for(&c.who, id).or_page(c.lang)?, c.lang)
        }
        (Kind::Association, Some(id)) => {
            association_values(&state.association_for(&c.who, id).or_page(c.lang)?)
        }
        (Kind::Offer, Some(id)) => offer_values(&state.offer_for(&c.who, id).or_page(c.lang)?),
        (Kind::Offer, None) => HashMap::from([
            ("kind".into(), "drop_in".into()),
            ("languages".into(), "nb".into()),
        ]),
        (Kind::Instructor, None) => HashMap::from([
            ("association".into(), default_hub(&state, &c)),
            ("languages".into(), "nb".into()),
            ("max_km".into(), "50".into()),
            ("max_sessions_per_week".into(), "2".into()),
        ]),
        (Kind::Association, None) => HashMap::from([
            ("kind".into(), "small".into()),
            ("cluster".into(), default_hub(&state, &c)),
            ("opt_in".into(), "true".into()),
        ]),
    };
    Ok(record_page(
        &state,
        &c,
        kind,
        existing,
        StatusCode::OK,
        &values,
        &[],
    ))
}

/// Saves a form; on problems it comes back (400) with what was typed.
pub async fn save(
    State(state): State<Arc<Service>>,
    c: Coordinator,
    Path((segment, id)): Path<(String, String)>,
    Form(mut form): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    fold_checks(&mut form);
    let kind = kind(&segment, c.lang)?;
    let existing = (id != "new").then_some(id.as_str());
    let saved = match kind {
        Kind::Instructor => match read_instructor_form(&form, c.lang) {
            Ok(r) => state.save_instructor(&c.who, existing, &r, c.lang).await,
            Err(e) => Err(AppError::Fields(e)),
        },
        Kind::Association => match read_association_form(&form, c.lang) {
            Ok(r) => state.save_association(&c.who, existing, &r, c.lang).await,
            Err(e) => Err(AppError::Fields(e)),
        },
        Kind::Offer => match read_offer_form(&form, c.lang) {
            Ok(r) => state.save_offer(&c.who, existing, &r, c.lang).await,
            Err(e) => Err(AppError::Fields(e)),
        },
    };
    match saved {
        Ok(edited) => Ok(done(&state, &c, edited, "saved")),
        Err(AppError::Fields(errors)) => Ok(record_page(
            &state,
            &c,
            kind,
            existing,
            StatusCode::BAD_REQUEST,
            &form,
            &errors,
        )),
        Err(e) => Err(e).or_page(c.lang),
    }
}

/// Retires a record; what still points at it comes back as the reason.
pub async fn retire(
    State(state): State<Arc<Service>>,
    c: Coordinator,
    Path((segment, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let retired = match kind(&segment, c.lang)? {
        Kind::Instructor => state.retire_instructor(&c.who, &id, c.lang).await,
        Kind::Association => state.retire_association(&c.who, &id, c.lang).await,
        Kind::Offer => state.remove_offer(&c.who, &id, c.lang).await,
    };
    match retired {
        Ok(edited) => Ok(done(&state, &c, edited, "retired")),
        Err(AppError::Fields(errors)) => Err(PageError::new(
            StatusCode::BAD_REQUEST,
            &errors
                .iter()
                .map(|e| e.message.as_str())
                .collect::<Vec<_>>()
                .join("; "),
            c.lang,
        )),
        Err(e) => Err(e).or_page(c.lang),
    }
}

/// Sends an instructor a sign-in link by e-mail (through the outbox) and goes back to the
/// people page, which says so. The link's address is the one the coordinator's browser
/// reached the service at.
pub async fn send_link(
    State(state): State<Arc<Service>>,
    c: Coordinator,
    Path((segment, id)): Path<(String, String)>,
    headers: axum::http::HeaderMap,
) -> Result<Response, PageError> {
    if kind(&segment, c.lang)? != Kind::Instructor {
        return Err(PageError::new(
            StatusCode::NOT_FOUND,
            c.lang.pick(
                "Innloggingslenker sendes bare til instruktører.",
                "Sign-in links are sent to instructors only.",
            ),
            c.lang,
        ));
    }
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|p| p.eq_ignore_ascii_case("https"));
    let base = format!("{}://{host}", if https { "https" } else { "http" });
    state
        .send_signin_link(&c.who, &id, &base)
        .await
        .or_page(c.lang)?;
    Ok(done_to("/coordinator/people", c.lang, "link-sent").into_response())
}

/// The confirm step before retiring a record: whose, and a button that retires it.
pub async fn confirm_retire(
    State(state): State<Arc<Service>>,
    c: Coordinator,
    Path((segment, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let lang = c.lang;
    let kind = kind(&segment, lang)?;
    let name = match kind {
        Kind::Instructor => state.instructor_for(&c.who, &id).or_page(lang)?.name,
        Kind::Association => state.association_for(&c.who, &id).or_page(lang)?.name,
        Kind::Offer => state.offer_for(&c.who, &id).or_page(lang)?.provider,
    };
    let path = format!("{}/{}", kind.path(), super::path_segment(&id));
    Ok(confirm(Confirm {
        lang,
        title: lang.pick(
            "Fjerne fra klyngens data?",
            "Remove from the cluster's data?",
        ),
        frame: Frame::of(&state, &c.who, lang, &format!("{path}/retire")),
        question: match lang {
            Lang::Nb => format!(
                "Vil du fjerne {name} fra klyngens data? Det som er publisert, blir stående til en ny plan er publisert."
            ),
            Lang::En => format!(
                "Do you want to remove {name} from the cluster's data? What is published stays until a new plan is published."
            ),
        },
        action: format!("{path}/retire{}", lang.query()),
        yes: lang.pick("Ja, fjern", "Yes, remove"),
        back: format!("{path}{}", lang.query()),
    }))
}

/// After a change: back to the list, or, when the change broke the published rota, a page
/// that says a repair proposal waits (or why none could be made).
fn done(state: &Service, c: &Coordinator, edited: Edited, what: &str) -> Response {
    let lang = c.lang;
    if edited.repair_runs.is_empty() && edited.repair_problem.is_none() {
        return done_to("/coordinator/people", lang, what).into_response();
    }
    let text = match (&edited.repair_problem, lang) {
        (Some(p), _) => format!(
            "{} {}",
            lang.pick(
                "Lagret. Endringen berører den publiserte planen, men kan ikke repareres:",
                "Saved. The change affects the published rota, but it cannot be repaired:"
            ),
            p.render(lang, false)
        ),
        (None, Lang::Nb) => format!(
            "Lagret. Endringen berører den publiserte planen: et forslag til reparasjon (kjøring {}) venter på at du godkjenner og publiserer det.",
            runs(&edited.repair_runs)
        ),
        (None, Lang::En) => format!(
            "Saved. The change affects the published rota: a repair proposal (run {}) waits for you to approve and publish it.",
            runs(&edited.repair_runs)
        ),
    };
    render(
        StatusCode::OK,
        &Message {
            lang,
            title: lang.pick("Lagret", "Saved"),
            frame: Frame::of(state, &c.who, lang, "/coordinator/people"),
            error: Some(&text),
            link: Some((
                format!("/coordinator{}", lang.query()),
                lang.pick("Til kjøringene", "To the runs"),
            )),
        },
    )
}

fn runs(ids: &[i64]) -> String {
    ids.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn default_hub(state: &Service, c: &Coordinator) -> String {
    if c.who.subject == "*" {
        hubs(state, c)
            .first()
            .map(|h| h.0.clone())
            .unwrap_or_default()
    } else {
        c.who.subject.clone()
    }
}

/// The hubs the coordinator may choose: their own, or all (a coordinator of all clusters).
fn hubs(state: &Service, c: &Coordinator) -> Vec<(String, String)> {
    state
        .base()
        .associations
        .iter()
        .filter(|a| {
            a.kind == AssociationKind::Hub && (c.who.subject == "*" || a.id == c.who.subject)
        })
        .map(|a| (a.id.clone(), a.name.clone()))
        .collect()
}
