//! An instructor's page: their assignments with accept and decline buttons, and their
//! calendar link.

use std::sync::Arc;

use askama::Template;
use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::frame::{Done, Frame};
use super::{
    Confirm, OrPage, PageError, PageLang, back_to, confirm, done_to, filters, names, render, show,
};
use crate::app::records::{AwayRecord, OwnTimes, SlotRecord};
use crate::app::requests::FieldError;
use crate::app::service::AssignmentView;
use crate::app::{AppError, Service};
use crate::i18n::Lang;
use crate::server::auth::{INSTRUCTOR, PageCaller};

type Instructor = PageCaller<INSTRUCTOR>;

#[derive(Template)]
#[template(path = "instructor.html")]
struct InstructorPage<'a> {
    lang: Lang,
    title: &'a str,
    frame: Frame,
    assignments: Vec<AssignmentView>,
    times: OwnTimes,
    weekdays: &'a [(&'a str, &'a str, &'a str)],
    /// What was typed, when a form comes back with problems.
    values: &'a HashMap<String, String>,
    errors: &'a [FieldError],
    /// What a change did (a repair proposal made), if anything.
    note: Option<String>,
}

impl InstructorPage<'_> {
    fn value(&self, field: &str) -> &str {
        self.values.get(field).map_or("", String::as_str)
    }

    fn weekday(&self, code: &str) -> String {
        WEEKDAYS
            .iter()
            .find(|(c, _, _)| *c == code)
            .map_or(code, |(_, nb, en)| self.lang.pick(nb, en))
            .to_owned()
    }

    fn date(&self, iso: &str) -> String {
        crate::app::records::show_iso_day(iso)
    }

    fn day(&self, d: &chrono::NaiveDate) -> String {
        show::date(*d, self.lang)
    }

    fn topic(&self, code: &str) -> String {
        names::topic(code, self.lang)
    }

    fn language(&self, code: &str) -> String {
        names::language(code, self.lang)
    }

    fn problems_of(&self, field: &str) -> Vec<&str> {
        self.errors
            .iter()
            .filter(|e| e.field == field)
            .map(|e| e.message.as_str())
            .collect()
    }
}

const WEEKDAYS: [(&str, &str, &str); 7] = [
    ("mon", "mandag", "Monday"),
    ("tue", "tirsdag", "Tuesday"),
    ("wed", "onsdag", "Wednesday"),
    ("thu", "torsdag", "Thursday"),
    ("fri", "fredag", "Friday"),
    ("sat", "lørdag", "Saturday"),
    ("sun", "søndag", "Sunday"),
];

#[derive(Template)]
#[template(path = "feed.html")]
struct FeedPage<'a> {
    lang: Lang,
    title: &'a str,
    frame: Frame,
    url: String,
    /// The same address as `webcal://`, which phones open in their calendar app.
    webcal: String,
    /// The address as a QR code (SVG), to scan with a phone from a computer's screen.
    qr: String,
}

pub async fn page(
    State(state): State<Arc<Service>>,
    c: Instructor,
    done: Done,
) -> Result<Response, PageError> {
    let flash = Frame::of(&state, &c.who, c.lang, "/instructor").flash(&done, c.lang);
    view(
        &state,
        &c,
        StatusCode::OK,
        &HashMap::new(),
        &[],
        None,
        Some(flash),
    )
    .await
}

async fn view(
    state: &Service,
    c: &Instructor,
    status: StatusCode,
    values: &HashMap<String, String>,
    errors: &[FieldError],
    note: Option<String>,
    frame: Option<Frame>,
) -> Result<Response, PageError> {
    let assignments = state
        .assignments_for(Some(&c.who.subject))
        .await
        .or_page(c.lang)?;
    Ok(render(
        status,
        &InstructorPage {
            lang: c.lang,
            title: c.lang.pick("Mine kurs", "My courses"),
            frame: frame.unwrap_or_else(|| Frame::of(state, &c.who, c.lang, "/instructor")),
            assignments,
            times: state.own_times(&c.who.subject).or_page(c.lang)?,
            weekdays: &WEEKDAYS,
            values,
            errors,
            note,
        },
    ))
}

/// Which of the instructor's own lists a form changes.
#[derive(Clone, Copy)]
enum List {
    Availability,
    Away,
}

fn list(segment: &str, lang: Lang) -> Result<List, PageError> {
    match segment {
        "availability" => Ok(List::Availability),
        "away" => Ok(List::Away),
        _ => Err(PageError::new(
            StatusCode::NOT_FOUND,
            lang.pick("Fant ikke siden.", "No such page."),
            lang,
        )),
    }
}

/// Adds a weekly time or an away-period; on problems the page comes back (400) with
/// what was typed and each problem beside its field.
pub async fn add_time(
    State(state): State<Arc<Service>>,
    c: Instructor,
    Path(segment): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let mut times = state.own_times(&c.who.subject).or_page(c.lang)?;
    let text = |k: &str| form.get(k).map_or("", |v| v.trim()).to_owned();
    let (name, k) = match list(&segment, c.lang)? {
        List::Availability => {
            times.availability.push(SlotRecord {
                weekday: text("weekday"),
                start: text("start"),
                end: text("end"),
            });
            ("availability", times.availability.len() - 1)
        }
        List::Away => {
            let from = text("from");
            let to = Some(text("to"))
                .filter(|t| !t.is_empty())
                .unwrap_or(from.clone());
            times.away.push(AwayRecord { from, to });
            ("away", times.away.len() - 1)
        }
    };
    changed(
        &state,
        &c,
        &times,
        &form,
        &format!("{name}[{k}]"),
        "time-added",
    )
    .await
}

/// Removes a weekly time or an away-period by its place in the list.
pub async fn remove_time(
    State(state): State<Arc<Service>>,
    c: Instructor,
    Path((segment, k)): Path<(String, usize)>,
) -> Result<Response, PageError> {
    let mut times = state.own_times(&c.who.subject).or_page(c.lang)?;
    let items = match list(&segment, c.lang)? {
        List::Availability => times.availability.len(),
        List::Away => times.away.len(),
    };
    if k >= items {
        // Already removed (a second click, another tab): nothing to do.
        return Ok(back_to("/instructor#times", c.lang).into_response());
    }
    match list(&segment, c.lang)? {
        List::Availability => {
            times.availability.remove(k);
        }
        List::Away => {
            times.away.remove(k);
        }
    }
    changed(&state, &c, &times, &HashMap::new(), "", "time-removed").await
}

/// Stores the changed times; the page says when a repair proposal was made. Problems of
/// the new line (`prefix`) are shown beside the add form's fields.
async fn changed(
    state: &Service,
    c: &Instructor,
    times: &OwnTimes,
    form: &HashMap<String, String>,
    prefix: &str,
    done: &str,
) -> Result<Response, PageError> {
    match state.set_own_times(&c.who.subject, times, c.lang).await {
        Ok(edited) if edited.repair_runs.is_empty() && edited.repair_problem.is_none() => {
            Ok(done_to("/instructor", c.lang, done).into_response())
        }
        Ok(_) => {
            let note = c.lang.pick(
                "Lagret. Dette berører kurs du er satt opp på; koordinatoren får et forslag til ny plan og gir beskjed.",
                "Saved. This affects courses you are on; the coordinator gets a proposal for a new plan and will let you know.",
            );
            view(
                state,
                c,
                StatusCode::OK,
                &HashMap::new(),
                &[],
                Some(note.into()),
                None,
            )
            .await
        }
        Err(AppError::Fields(errors)) => {
            let errors: Vec<FieldError> = errors
                .into_iter()
                .map(|e| FieldError {
                    field: e
                        .field
                        .strip_prefix(prefix)
                        .map_or(e.field.clone(), |f| f.trim_start_matches('.').to_owned()),
                    message: e.message,
                })
                .collect();
            view(state, c, StatusCode::BAD_REQUEST, form, &errors, None, None).await
        }
        Err(e) => Err(e).or_page(c.lang),
    }
}

/// Records an answer (a decline is repaired at once) and shows the page again.
pub async fn answer(
    State(state): State<Arc<Service>>,
    c: Instructor,
    Path((run, request, answer)): Path<(i64, String, String)>,
) -> Result<Response, PageError> {
    state
        .record_answer(run, &request, &c.who.subject, &answer)
        .await
        .or_page(c.lang)?;
    let done = if answer == "decline" {
        "declined"
    } else {
        "accepted"
    };
    Ok(done_to("/instructor", c.lang, done).into_response())
}

/// The confirm step before a "no" (a "yes" needs none: it changes no one else's plans).
/// A GET of the accept address goes back to the page.
pub async fn confirm_answer(
    State(state): State<Arc<Service>>,
    c: Instructor,
    Path((run, request, answer)): Path<(i64, String, String)>,
) -> Result<Response, PageError> {
    let lang = c.lang;
    if answer != "decline" {
        return Ok(back_to("/instructor", lang).into_response());
    }
    let mine = state
        .assignments_for(Some(&c.who.subject))
        .await
        .or_page(lang)?;
    let Some(a) = mine.iter().find(|a| a.run == run && a.request == request) else {
        return Err(PageError::new(
            StatusCode::NOT_FOUND,
            lang.pick("Fant ikke kurset.", "No such course."),
            lang,
        ));
    };
    let first = a
        .sessions
        .first()
        .map(|s| format!(", {} {}", show::date(s.date, lang), s.start))
        .unwrap_or_default();
    let what = format!(
        "{} – {}{first}",
        names::topic(&a.topic, lang),
        a.association
    );
    let path = format!(
        "/instructor/{run}/{}/decline",
        super::path_segment(&request)
    );
    Ok(confirm(Confirm {
        lang,
        title: lang.pick("Takke nei?", "Decline?"),
        frame: Frame::of(&state, &c.who, lang, &path),
        question: match lang {
            Lang::Nb => format!(
                "Vil du takke nei til {what}? Koordinatoren får beskjed og finner en annen instruktør."
            ),
            Lang::En => format!(
                "Do you want to decline {what}? The coordinator is told and will find another instructor."
            ),
        },
        action: format!("{path}{}", lang.query()),
        yes: lang.pick("Ja, jeg takker nei", "Yes, I decline"),
        back: format!("/instructor{}", lang.query()),
    }))
}

/// Makes a new calendar link (the old one stops working) and shows it.
pub async fn feed(
    State(state): State<Arc<Service>>,
    c: Instructor,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let secret = state.new_feed(&c.who.subject).await.or_page(c.lang)?;
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|p| p.eq_ignore_ascii_case("https"));
    let scheme = if https { "https" } else { "http" };
    let address = format!("{host}/calendar/{secret}.ics");
    let url = format!("{scheme}://{address}");
    Ok(render(
        StatusCode::OK,
        &FeedPage {
            lang: c.lang,
            title: c.lang.pick("Kalender", "Calendar"),
            frame: Frame::of(&state, &c.who, c.lang, "/instructor"),
            qr: qr_svg(&url),
            webcal: format!("webcal://{address}"),
            url,
        },
    ))
}

/// `text` as a QR code in SVG (empty if it is too long for one, which an address is not).
fn qr_svg(text: &str) -> String {
    use qrcode::render::svg;
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => code
            .render::<svg::Color<'_>>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
        Err(_) => String::new(),
    }
}
