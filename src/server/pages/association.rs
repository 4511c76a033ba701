//! An association's page: the request form (with any problems beside their fields) and
//! the association's requests with their status.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::frame::{Done, Frame};
use super::{Confirm, OrPage, PageError, PageLang, confirm, done_to, filters, names, render, show};
use crate::app::requests::{FieldError, RequestStatus, Submission};
use crate::app::{AppError, Service};
use crate::i18n::Lang;
use crate::model::{Hm, Series};
use crate::server::auth::{ASSOCIATION, PageCaller};
use crate::store::Principal;

type Association = PageCaller<ASSOCIATION>;

/// What the form shows before anything is typed.
const DEFAULTS: [(&str, &str); 7] = [
    ("language", "nb"),
    ("start", "10:00"),
    ("end", "12:00"),
    ("count", "4"),
    ("interval_days", "7"),
    ("instructors_needed", "1"),
    ("priority", "3"),
];

#[derive(Template)]
#[template(path = "association.html")]
struct AssociationPage<'a> {
    lang: Lang,
    title: &'a str,
    frame: Frame,
    /// The association's name.
    name: String,
    /// (code, name) of the topics and languages to choose from.
    topics: Vec<(String, String)>,
    languages: Vec<(String, String)>,
    /// The first and last day the form allows (ISO), for the date input's limits.
    min_date: String,
    max_date: String,
    /// What was typed, when the form comes back with problems.
    values: &'a HashMap<String, String>,
    errors: &'a [FieldError],
    requests: Vec<RequestStatus>,
}

impl AssociationPage<'_> {
    /// A field's value as typed, or its default.
    fn value(&self, field: &str) -> &str {
        self.values.get(field).map_or_else(
            || {
                DEFAULTS
                    .iter()
                    .find(|(f, _)| *f == field)
                    .map_or("", |(_, v)| v)
            },
            String::as_str,
        )
    }

    fn selected(&self, field: &str, code: &str) -> bool {
        self.values.get(field).map_or_else(
            || field == "language" && code == "nb",
            |v| v.trim().eq_ignore_ascii_case(code),
        )
    }

    /// The problems of `field`, for the text beside it and the summary.
    fn problems_of(&self, field: &str) -> Vec<&str> {
        self.errors
            .iter()
            .filter(|e| e.field == field)
            .map(|e| e.message.as_str())
            .collect()
    }

    /// A field's label, for the summary of problems at the top.
    fn label_of(&self, field: &str) -> String {
        FIELDS
            .iter()
            .find(|(f, _, _)| *f == field)
            .map_or(field, |(_, nb, en)| self.lang.pick(nb, en))
            .to_owned()
    }

    fn topic(&self, code: &str) -> String {
        names::topic(code, self.lang)
    }

    /// A language, or the languages of a drop-in (`ar;so` → "arabisk og somali").
    fn language(&self, code: &str) -> String {
        let names: Vec<String> = code
            .split(';')
            .map(|c| names::language(c.trim(), self.lang))
            .collect();
        names.join(self.lang.pick(" og ", " and "))
    }

    fn day(&self, iso: &str) -> String {
        show::date_text(iso, self.lang)
    }
}

/// The form's fields with their labels, in the form's order: (field, bokmål, English).
const FIELDS: [(&str, &str, &str); 14] = [
    ("format", "Slags hjelp", "Kind of help"),
    ("topic", "Emne", "Topic"),
    ("language", "Språk", "Language"),
    ("extra_language", "Også på språket", "Also in the language"),
    ("first_date", "Første kursdag", "First course day"),
    ("start", "Fra klokken", "From"),
    ("end", "Til klokken", "Until"),
    ("count", "Antall kursdager", "Number of course days"),
    (
        "interval_days",
        "Dager mellom hver gang",
        "Days between sessions",
    ),
    (
        "instructors_needed",
        "Antall instruktører",
        "Instructors needed",
    ),
    (
        "slot_minutes",
        "Minutter per time",
        "Minutes per appointment",
    ),
    ("desks", "Pulter", "Desks"),
    ("priority", "Prioritet", "Priority"),
    ("note", "Merknad", "Note"),
];

/// The page with the association's requests, the form filled with `values` and `errors`
/// beside their fields.
async fn view(
    state: &Service,
    who: &Principal,
    lang: Lang,
    status: StatusCode,
    values: &HashMap<String, String>,
    errors: &[FieldError],
    done: &Done,
) -> Result<Response, PageError> {
    let requests = state
        .request_statuses(|a| a == who.subject, lang)
        .await
        .or_page(lang)?;
    let base = state.base();
    let name = base
        .association(&who.subject)
        .map_or_else(|| who.subject.clone(), |a| a.name.clone());
    let today = state.today();
    let last = today + chrono::Duration::days(crate::app::requests::MAX_DAYS_AHEAD);
    let topics = names::topics(
        base.instructors
            .iter()
            .flat_map(|i| i.topics.iter().cloned()),
        lang,
    );
    let languages = names::languages(
        base.instructors
            .iter()
            .flat_map(|i| i.languages.iter().cloned()),
        lang,
    );
    Ok(render(
        status,
        &AssociationPage {
            lang,
            title: lang.pick("Kursforespørsler", "Course requests"),
            frame: Frame::of(state, who, lang, "/association").flash(done, lang),
            name,
            topics,
            languages,
            min_date: today.to_string(),
            max_date: last.to_string(),
            values,
            errors,
            requests,
        },
    ))
}

pub async fn page(
    State(state): State<Arc<Service>>,
    c: Association,
    done: Done,
) -> Result<Response, PageError> {
    let values = HashMap::new();
    view(&state, &c.who, c.lang, StatusCode::OK, &values, &[], &done).await
}

/// Submits the form; on problems, the form comes back (400) with what was typed.
pub async fn submit(
    State(state): State<Arc<Service>>,
    c: Association,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let errors = match submission(&form, c.lang) {
        Ok(s) => match state.submit(&c.who, &c.who.subject, &s, c.lang).await {
            Ok(_) => return Ok(done_to("/association", c.lang, "submitted").into_response()),
            Err(AppError::Fields(errors)) => errors,
            Err(e) => return Err(e).or_page(c.lang),
        },
        Err(errors) => errors,
    };
    view(
        &state,
        &c.who,
        c.lang,
        StatusCode::BAD_REQUEST,
        &form,
        &errors,
        &Done::default(),
    )
    .await
}

/// The confirm step before a withdrawal: which request, and a button that withdraws it.
pub async fn confirm_withdraw(
    State(state): State<Arc<Service>>,
    c: Association,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let lang = c.lang;
    let requests = state
        .request_statuses(|a| a == c.who.subject, lang)
        .await
        .or_page(lang)?;
    let Some(r) = requests
        .iter()
        .find(|r| r.id == id && r.status != "withdrawn")
    else {
        return Err(no_such_request(lang));
    };
    let what = format!(
        "{} ({}){}",
        names::topic(&r.topic, lang),
        names::language(&r.language, lang),
        r.first_date
            .as_deref()
            .map(|d| format!(", {}", show::date_text(d, lang)))
            .unwrap_or_default()
    );
    let path = format!(
        "/association/requests/{}/withdraw",
        super::path_segment(&id)
    );
    Ok(confirm(Confirm {
        lang,
        title: lang.pick("Trekke forespørselen?", "Withdraw the request?"),
        frame: Frame::of(&state, &c.who, lang, &path),
        question: match lang {
            Lang::Nb => format!(
                "Vil du trekke forespørselen om {what}? Den blir ikke planlagt, og en instruktør som er satt opp får beskjed."
            ),
            Lang::En => format!(
                "Do you want to withdraw the request for {what}? It will not be planned, and an instructor already on it is told."
            ),
        },
        action: format!("{path}{}", lang.query()),
        yes: lang.pick("Ja, trekk forespørselen", "Yes, withdraw it"),
        back: format!("/association{}", lang.query()),
    }))
}

fn no_such_request(lang: Lang) -> PageError {
    PageError::new(
        StatusCode::NOT_FOUND,
        lang.pick("Fant ingen slik forespørsel.", "No such request."),
        lang,
    )
}

pub async fn withdraw(
    State(state): State<Arc<Service>>,
    c: Association,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    match state.withdraw(&c.who, &id, |a| a == c.who.subject).await {
        Ok(()) => Ok(done_to("/association", c.lang, "withdrawn").into_response()),
        Err(AppError::UnknownRequest(_)) => Err(no_such_request(c.lang)),
        Err(e) => Err(e).or_page(c.lang),
    }
}

/// The form as a submission, or the problem of each field that is not even of its type
/// (the use case checks the rest).
fn submission(form: &HashMap<String, String>, lang: Lang) -> Result<Submission, Vec<FieldError>> {
    let mut errors = Vec::new();
    let text = |k: &str| form.get(k).map_or("", |v| v.trim());
    let mut problem = |field: &str, message: String| {
        errors.push(FieldError {
            field: field.into(),
            message,
        })
    };
    let first_date = chrono::NaiveDate::parse_from_str(text("first_date"), "%Y-%m-%d").ok();
    if first_date.is_none() {
        problem(
            "first_date",
            lang.pick("velg en dato", "choose a date").into(),
        );
    }
    let mut time = |k: &str| {
        let t = text(k).parse::<Hm>().ok();
        if t.is_none() {
            let not_a_time = lang.pick("er ikke et klokkeslett (TT:MM)", "is not a time (HH:MM)");
            problem(k, format!("'{}' {not_a_time}", text(k)));
        }
        t
    };
    let (start, end) = (time("start"), time("end"));
    let count = number(form, "count", "1…200", lang, &mut errors);
    let interval_days = number(form, "interval_days", "1…366", lang, &mut errors);
    let instructors_needed = number(form, "instructors_needed", "1…10", lang, &mut errors);
    let priority = number(form, "priority", "1…5", lang, &mut errors);
    // The format and, for one-to-one guidance, its slots and desks (optional fields).
    let format = crate::model::Format::parse(text("format"));
    if format.is_none() {
        errors.push(FieldError {
            field: "format".into(),
            message: lang
                .pick(
                    "velg kurs, drop-in eller veiledning",
                    "choose course, drop-in or guidance",
                )
                .into(),
        });
    }
    let optional = |k: &str, expected: &str, errors: &mut Vec<FieldError>| {
        if text(k).is_empty() {
            None
        } else {
            number::<u32>(form, k, expected, lang, errors)
        }
    };
    let slot_minutes = optional("slot_minutes", "5…240", &mut errors);
    let desks = optional("desks", "1…20", &mut errors);
    // Each field that is missing has said why.
    let (
        Some(first_date),
        Some(start),
        Some(end),
        Some(count),
        Some(interval_days),
        Some(instructors_needed),
        Some(priority),
        Some(format),
    ) = (
        first_date,
        start,
        end,
        count,
        interval_days,
        instructors_needed,
        priority,
        format,
    )
    else {
        return Err(errors);
    };
    Ok(Submission {
        association: None,
        topic: form.get("topic").cloned().unwrap_or_default(),
        // A drop-in may be in two languages; its staff covers both (docs/model.md §3).
        language: match text("extra_language") {
            "" => text("language").to_owned(),
            extra if extra == text("language") => extra.to_owned(),
            extra => format!("{};{extra}", text("language")),
        },
        instructors_needed,
        format,
        slot_minutes,
        desks,
        priority,
        series: Some(Series {
            first_date,
            start,
            end,
            count,
            interval_days,
        }),
        sessions: Vec::new(),
        venue_lat: None,
        venue_lon: None,
        note: form.get("note").cloned().unwrap_or_default(),
    })
}

/// A form field as a whole number, or its problem: not a whole number, or a whole number
/// too large for the field (then the field's range is named, e.g. priority 300 → 1…5).
fn number<T: TryFrom<i64>>(
    form: &HashMap<String, String>,
    k: &str,
    expected: &str,
    lang: Lang,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    let v = form.get(k).map_or("", |v| v.trim());
    let shown = crate::model::shorten(v);
    let message = match v.parse::<i64>() {
        Ok(n) => match T::try_from(n) {
            Ok(t) => return Some(t),
            Err(_) => match lang {
                Lang::Nb => format!("'{shown}' er utenfor gyldig område (forventet {expected})"),
                Lang::En => format!("'{shown}' is out of range (expected {expected})"),
            },
        },
        Err(_) => format!(
            "'{shown}' {}",
            lang.pick("er ikke et helt tall", "is not a whole number")
        ),
    };
    errors.push(FieldError {
        field: k.into(),
        message,
    });
    None
}
