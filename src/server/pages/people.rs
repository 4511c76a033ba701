//! The coordinator's pages for the cluster's people and places: the lists, and one form
//! per instructor, association or other offer (add, change, retire), with each problem
//! beside its field. The forms are read into the API's records here; the use cases check
//! everything else.
//!
//! Long because the three forms' fields are written out one by one, as the form reads,
//! and each destructive action has its confirm step here.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

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
use crate::app::requests::FieldError;
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

/// One field of a form, as shown.
pub struct Field {
    name: &'static str,
    label: &'static str,
    value: String,
    hint: &'static str,
    /// More than one: a text area of this many rows.
    rows: usize,
    /// (value, text); not empty: a choice.
    options: Vec<(String, String)>,
    /// With options: any number of them, as checkboxes (`name.value=on`, folded into one
    /// comma-separated value by `fold_checks`).
    checks: bool,
    readonly: bool,
    errors: Vec<String>,
}

#[derive(Template)]
#[template(path = "record.html")]
struct RecordPage<'a> {
    lang: Lang,
    title: &'a str,
    frame: Frame,
    action: String,
    fields: Vec<Field>,
    errors: &'a [FieldError],
    retire: Option<String>,
}

impl Field {
    /// The ids of the hint and the problems that describe the field, if any.
    fn described(&self) -> String {
        let mut ids = Vec::new();
        if !self.hint.is_empty() {
            ids.push(format!("hint-{}", self.name));
        }
        if !self.errors.is_empty() {
            ids.push(format!("err-{}", self.name));
        }
        ids.join(" ")
    }

    /// Whether a checkbox's value is among the field's values.
    fn has(&self, v: &str) -> bool {
        self.value.split(',').any(|x| x.trim() == v)
    }
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

fn record_page(
    state: &Service,
    c: &Coordinator,
    kind: Kind,
    existing: Option<&str>,
    status: StatusCode,
    values: &HashMap<String, String>,
    errors: &[FieldError],
) -> Response {
    let lang = c.lang;
    let value = |k: &str| values.get(k).cloned().unwrap_or_default();
    let field = |name: &'static str, nb: &'static str, en: &'static str| Field {
        name,
        label: lang.pick(nb, en),
        value: value(name),
        hint: "",
        rows: 1,
        options: Vec::new(),
        checks: false,
        readonly: name == "id" && existing.is_some(),
        errors: beside(errors, name, lang),
    };
    let hint = |f: Field, nb: &'static str, en: &'static str| Field {
        hint: lang.pick(nb, en),
        ..f
    };
    let rows = |f: Field, rows: usize| Field { rows, ..f };
    let choose = |f: Field, options: Vec<(String, String)>| Field { options, ..f };
    let check = |f: Field, options: Vec<(String, String)>| Field {
        options,
        checks: true,
        ..f
    };
    let base = state.base();
    // The choices: the known ones, those the data uses, and whatever the form holds now.
    let held = |k: &str| -> Vec<String> {
        value(k)
            .split(',')
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect()
    };
    let topics = names::topics(
        base.instructors
            .iter()
            .flat_map(|i| i.topics.iter().cloned())
            .chain(held("topics")),
        lang,
    );
    let languages = |k: &str| {
        names::languages(
            base.instructors
                .iter()
                .flat_map(|i| i.languages.iter().cloned())
                .chain(["en".to_owned(), "ar".into(), "uk".into(), "pl".into()])
                .chain(held(k)),
            lang,
        )
    };
    let fields = match kind {
        Kind::Instructor => vec![
            hint(field("id", "Kort id", "Short id"), "f.eks. i41", "e.g. i41"),
            field("name", "Navn", "Name"),
            choose(
                field(
                    "association",
                    "Hjemforening (hub)",
                    "Home association (hub)",
                ),
                hubs(state, c),
            ),
            hint(
                field("lat", "Bosted, breddegrad", "Home, latitude"),
                "tom: bor ved huben",
                "empty: lives at the hub",
            ),
            field("lon", "Bosted, lengdegrad", "Home, longitude"),
            check(field("topics", "Emner", "Topics"), topics.clone()),
            check(
                field("languages", "Underviser på", "Teaches in"),
                languages("languages"),
            ),
            hint(
                check(
                    field(
                        "willing_languages",
                        "Kan læres opp til å undervise på",
                        "Willing to be trained to teach in",
                    ),
                    languages("willing_languages"),
                ),
                "brukes bare i kursråd",
                "used only in training advice",
            ),
            hint(
                field(
                    "max_km",
                    "Lengste reisevei én vei (km)",
                    "Longest trip one way (km)",
                ),
                "f.eks. 40 eller 12,5",
                "e.g. 40 or 12.5",
            ),
            field(
                "max_sessions_per_week",
                "Flest kursdager per uke",
                "Most sessions per week",
            ),
            hint(
                field(
                    "max_minutes",
                    "Lengste reisetid én vei (minutter)",
                    "Longest one-way travel (minutes)",
                ),
                "tom: ingen grense",
                "empty: no limit",
            ),
            hint(
                field(
                    "max_sessions_total",
                    "Flest kursdager i alt",
                    "Most sessions in all",
                ),
                "tom: ingen grense",
                "empty: no limit",
            ),
            hint(
                field(
                    "max_hours_per_week",
                    "Flest timer per uke (med reise)",
                    "Most hours per week (travel included)",
                ),
                "tom: ingen grense",
                "empty: no limit",
            ),
            hint(
                rows(field("availability", "Når hver uke", "When each week"), 4),
                "én per linje, f.eks. tir 09:00–15:00",
                "one per line, e.g. tue 09:00–15:00",
            ),
            hint(
                rows(field("away", "Borte", "Away"), 3),
                "én periode per linje, f.eks. 01.03.2027–07.03.2027",
                "one period per line, e.g. 01.03.2027–07.03.2027",
            ),
            hint(
                field("email", "E-post", "E-mail"),
                "for beskjed når planen endres (valgfritt)",
                "for a message when the rota changes (optional)",
            ),
            choose(
                field("lang", "Språk i meldinger", "Language of messages"),
                vec![
                    ("nb".into(), "norsk (bokmål)".into()),
                    ("en".into(), "English".into()),
                ],
            ),
        ],
        Kind::Association => vec![
            hint(
                field("id", "Kort id", "Short id"),
                "f.eks. skaun",
                "e.g. skaun",
            ),
            field("name", "Navn", "Name"),
            choose(
                field("kind", "Slags forening", "Kind of association"),
                vec![
                    (
                        "small".into(),
                        lang.pick("liten (ber om hjelp)", "small (asks for help)")
                            .into(),
                    ),
                    (
                        "hub".into(),
                        lang.pick("hub (låner ut instruktører)", "hub (lends instructors)")
                            .into(),
                    ),
                ],
            ),
            field("lat", "Breddegrad", "Latitude"),
            field("lon", "Lengdegrad", "Longitude"),
            field("municipality", "Kommune", "Municipality"),
            choose(
                field("opt_in", "Med i klyngesamarbeid", "Takes part in clusters"),
                yes_no(lang),
            ),
            choose(field("cluster", "Klynge (hub)", "Cluster (hub)"), {
                let mut h = hubs(state, c);
                h.insert(0, (String::new(), lang.pick("ingen", "none").into()));
                h
            }),
            choose(
                field(
                    "lends",
                    "En hub: låner ut utenfor klyngen",
                    "A hub: lends outside its cluster",
                ),
                yes_no(lang),
            ),
            hint(
                field(
                    "lend_cap_sessions",
                    "En hub: flest kursdager utenfor klyngen per semester",
                    "A hub: most sessions outside its cluster per term",
                ),
                "tom: ingen grense; gjelder når klynger er åpne",
                "empty: no limit; applies when clusters are open",
            ),
            hint(
                field("email", "E-post", "E-mail"),
                "for beskjed når planen endres (valgfritt)",
                "for a message when the rota changes (optional)",
            ),
            choose(
                field("lang", "Språk i meldinger", "Language of messages"),
                vec![
                    ("nb".into(), "norsk (bokmål)".into()),
                    ("en".into(), "English".into()),
                ],
            ),
        ],
        Kind::Offer => vec![
            hint(field("id", "Kort id", "Short id"), "f.eks. o4", "e.g. o4"),
            hint(
                field("provider", "Hvem har tilbudet", "Who runs it"),
                "f.eks. Malvik bibliotek",
                "e.g. Malvik bibliotek",
            ),
            choose(
                field("kind", "Slags tilbud", "Kind of offer"),
                crate::model::OfferKind::NAMES
                    .iter()
                    .filter_map(|n| {
                        let k = crate::model::OfferKind::parse(n)?;
                        Some(((*n).to_owned(), k.name(lang).to_owned()))
                    })
                    .collect(),
            ),
            check(field("topics", "Emner", "Topics"), topics),
            check(
                field("languages", "Språk", "Languages"),
                languages("languages"),
            ),
            field("municipality", "Kommune", "Municipality"),
            field("lat", "Breddegrad", "Latitude"),
            field("lon", "Lengdegrad", "Longitude"),
            hint(
                field("when", "Når", "When"),
                "slik folk sier det, f.eks. tirsdager 12–14",
                "as people say it, e.g. Tuesdays 12–14",
            ),
            hint(
                rows(field("times", "Åpningstider", "Opening times"), 3),
                "én per linje, f.eks. tir 12:00–14:00 eller 03.02.2027 10:00–12:00 (for kalenderen)",
                "one per line, e.g. tue 12:00–14:00 or 03.02.2027 10:00–12:00 (for the calendar)",
            ),
            hint(
                field("contact", "Kontakt", "Contact"),
                "telefon eller e-post",
                "phone or e-mail",
            ),
            hint(
                field("url", "Nettside", "Web page"),
                "https://… (valgfritt)",
                "https://… (optional)",
            ),
        ],
    };
    let segment = existing.unwrap_or("new");
    let title = match (kind, existing) {
        (Kind::Instructor, None) => lang.pick("Ny instruktør", "New instructor"),
        (Kind::Instructor, Some(_)) => lang.pick("Endre instruktør", "Edit instructor"),
        (Kind::Association, None) => lang.pick("Ny forening", "New association"),
        (Kind::Association, Some(_)) => lang.pick("Endre forening", "Edit association"),
        (Kind::Offer, None) => lang.pick("Nytt tilbud", "New offer"),
        (Kind::Offer, Some(_)) => lang.pick("Endre tilbud", "Edit offer"),
    };
    let here = format!("{}/{}", kind.path(), super::path_segment(segment));
    render(
        status,
        &RecordPage {
            lang,
            title,
            frame: Frame::of(state, &c.who, lang, &here),
            action: format!("{}/{}", kind.path(), super::path_segment(segment)),
            fields,
            errors,
            retire: existing
                .map(|id| format!("{}/{}/retire", kind.path(), super::path_segment(id))),
        },
    )
}

/// The choices of a yes/no field, as the form reads them back (`true`/`false`).
fn yes_no(lang: Lang) -> Vec<(String, String)> {
    vec![
        ("true".into(), lang.pick("ja", "yes").into()),
        ("false".into(), lang.pick("nei", "no").into()),
    ]
}

/// The messages for field `name`: its own, and those of the lines of a list
/// (`availability[1].start` is shown beside `availability` as "line 2: …").
fn beside(errors: &[FieldError], name: &str, lang: Lang) -> Vec<String> {
    errors
        .iter()
        .filter_map(|e| {
            if e.field == name {
                return Some(e.message.clone());
            }
            let rest = e.field.strip_prefix(name)?.strip_prefix('[')?;
            let k: usize = rest.split(']').next()?.parse().ok()?;
            Some(format!(
                "{} {}: {}",
                lang.pick("linje", "line"),
                k + 1,
                e.message
            ))
        })
        .collect()
}
