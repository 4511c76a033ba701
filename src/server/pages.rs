//! The web pages: plain HTML forms that work without scripts, in bokmål (default) or
//! English (`?lang=en`). They call the same functions as the API.
//!
//! Long because every page is built here by hand; templates replace it (issue 7).

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, Query, State as AxState};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};

use super::api::LangQuery;
use super::{ApiError, AppState, State, lang_of, require};
use crate::app::AppError;
use crate::app::requests::{FieldError, Submission};
use crate::i18n::Lang;
use crate::model::{Hm, Series};
use crate::store::{Principal, Role};

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn q(lang: Lang) -> &'static str {
    if lang == Lang::En { "?lang=en" } else { "" }
}

fn page(lang: Lang, title: &str, body: &str) -> Html<String> {
    let other = if lang == Lang::En {
        "<a href=\"?\">Norsk</a>"
    } else {
        "<a href=\"?lang=en\">English</a>"
    };
    Html(format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>{title}</title><style>body{{font-family:system-ui,sans-serif;font-size:1.15rem;margin:1.5em;max-width:900px}}\
         label{{display:block;margin-top:.8em}}input,select,textarea,button{{font-size:1.1rem;padding:.3em}}\
         .error{{color:#b00020;font-weight:bold}}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.3em .6em}}\
         </style></head><body><p style=\"text-align:right\">{other}</p><h1>{title}</h1>{body}</body></html>",
        if lang == Lang::En { "en" } else { "nb" }
    ))
}

/// The caller of a page with the given role; otherwise the handler returns the page that
/// says why (401 or 403) and how to log in.
macro_rules! caller {
    ($state:expr, $headers:expr, $lang:expr, $role:expr) => {
        match who($state, $headers, $lang, $role).await {
            Ok(p) => p,
            Err(r) => return r,
        }
    };
}

/// The caller of a page, or a page that says how to log in.
async fn who(
    state: &AppState,
    headers: &HeaderMap,
    lang: Lang,
    role: Role,
) -> Result<Principal, Response> {
    require(state, headers, lang, &[role]).await.map_err(|e| {
        let body = format!(
            "<p class=\"error\">{}</p><p><a href=\"/{}\">{}</a></p>",
            esc(&e.message),
            q(lang),
            lang.pick("Logg inn", "Log in")
        );
        (e.status, page(lang, "klynge", &body)).into_response()
    })
}

pub async fn login_page(Query(qr): Query<LangQuery>, headers: HeaderMap) -> Html<String> {
    let lang = lang_of(&headers, qr.lang.as_deref());
    let body = format!(
        "<form method=\"post\" action=\"/login\"><input type=\"hidden\" name=\"lang\" value=\"{lang}\">\
         <label for=\"token\">{}</label><input id=\"token\" name=\"token\" size=\"40\" autocomplete=\"off\">\
         <button type=\"submit\">{}</button></form>",
        lang.pick(
            "Tilgangsnøkkel (fra koordinatoren)",
            "Access token (from your coordinator)"
        ),
        lang.pick("Logg inn", "Log in")
    );
    page(
        lang,
        lang.pick("klynge – logg inn", "klynge – log in"),
        &body,
    )
}

pub async fn login(
    AxState(state): AxState<State>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let lang: Lang = form
        .get("lang")
        .and_then(|l| l.parse().ok())
        .unwrap_or_default();
    let token = form
        .get("token")
        .map(|t| t.trim().to_owned())
        .unwrap_or_default();
    match state.principal(&token).await {
        Ok(Some(p)) => {
            let target = match p.role {
                Role::Coordinator => "/coordinator",
                Role::Association => "/association",
                Role::Instructor => "/instructor",
            };
            (
                StatusCode::SEE_OTHER,
                [
                    (
                        header::SET_COOKIE,
                        format!("klynge_token={token}; HttpOnly; SameSite=Strict; Path=/"),
                    ),
                    (header::LOCATION, format!("{target}{}", q(lang))),
                ],
            )
                .into_response()
        }
        _ => (
            StatusCode::UNAUTHORIZED,
            page(
                lang,
                "klynge",
                &format!(
                    "<p class=\"error\">{}</p><p><a href=\"/{}\">{}</a></p>",
                    lang.pick(
                        "Ukjent eller tilbakekalt nøkkel.",
                        "Unknown or revoked token."
                    ),
                    q(lang),
                    lang.pick("Prøv igjen", "Try again")
                ),
            ),
        )
            .into_response(),
    }
}

fn status_text(status: &str, lang: Lang) -> &'static str {
    match status {
        "submitted" => lang.pick("sendt inn", "submitted"),
        "proposed" => lang.pick("foreslått", "proposed"),
        "confirmed" => lang.pick("bekreftet", "confirmed"),
        "uncovered" => lang.pick("ikke dekket", "not covered"),
        "withdrawn" => lang.pick("trukket", "withdrawn"),
        _ => "?",
    }
}

const TOPICS: [&str; 7] = [
    "smarttelefon",
    "nettbank",
    "bankid",
    "helsenorge",
    "epost",
    "pc-grunnkurs",
    "digital-sikkerhet",
];

/// The association page: the request form (with any errors beside their fields) and the
/// association's requests with their status.
async fn association_view(
    state: &AppState,
    who: &Principal,
    lang: Lang,
    values: &HashMap<String, String>,
    errors: &[FieldError],
) -> Result<String, Response> {
    let err = |field: &str| {
        errors
            .iter()
            .filter(|e| e.field == field)
            .map(|e| {
                format!(
                    "<span class=\"error\" id=\"err-{field}\"> {}</span>",
                    esc(&e.message)
                )
            })
            .collect::<String>()
    };
    let val = |k: &str, default: &str| esc(values.get(k).map_or(default, |v| v.as_str()));
    let name = state
        .base
        .association(&who.subject)
        .map_or(who.subject.clone(), |a| a.name.clone());
    let mut b = format!("<h2>{}</h2>", esc(&name));
    b.push_str(&format!(
        "<h2>{}</h2><form method=\"post\" action=\"/association/requests{}\">",
        lang.pick(
            "Be om instruktør til et kurs",
            "Request an instructor for a course"
        ),
        q(lang)
    ));
    let topic_opts: String = TOPICS
        .iter()
        .map(|t| {
            format!(
                "<option{}>{t}</option>",
                if values.get("topic").is_some_and(|v| v == t) {
                    " selected"
                } else {
                    ""
                }
            )
        })
        .collect();
    b.push_str(&format!("<label for=\"topic\">{}</label><select id=\"topic\" name=\"topic\">{topic_opts}</select>{}", lang.pick("Emne", "Topic"), err("topic")));
    b.push_str(&format!("<label for=\"language\">{}</label><input id=\"language\" name=\"language\" value=\"{}\" size=\"4\">{}", lang.pick("Språk (f.eks. nb, en, ar)", "Language (e.g. nb, en, ar)"), val("language", "nb"), err("language")));
    b.push_str(&format!("<label for=\"first_date\">{}</label><input id=\"first_date\" name=\"first_date\" type=\"date\" value=\"{}\">{}", lang.pick("Første kursdag", "First course day"), val("first_date", ""), err("first_date")));
    b.push_str(&format!("<label for=\"start\">{}</label><input id=\"start\" name=\"start\" value=\"{}\" size=\"5\">{}", lang.pick("Fra klokken (TT:MM)", "From (HH:MM)"), val("start", "10:00"), err("start")));
    b.push_str(&format!(
        "<label for=\"end\">{}</label><input id=\"end\" name=\"end\" value=\"{}\" size=\"5\">{}",
        lang.pick("Til klokken (TT:MM)", "Until (HH:MM)"),
        val("end", "12:00"),
        err("end")
    ));
    b.push_str(&format!("<label for=\"count\">{}</label><input id=\"count\" name=\"count\" value=\"{}\" size=\"3\">{}", lang.pick("Antall kursdager", "Number of course days"), val("count", "4"), err("count")));
    b.push_str(&format!("<label for=\"interval_days\">{}</label><input id=\"interval_days\" name=\"interval_days\" value=\"{}\" size=\"3\">{}", lang.pick("Dager mellom hver gang (7 = ukentlig)", "Days between sessions (7 = weekly)"), val("interval_days", "7"), err("interval_days")));
    b.push_str(&format!("<label for=\"instructors_needed\">{}</label><input id=\"instructors_needed\" name=\"instructors_needed\" value=\"{}\" size=\"2\">{}", lang.pick("Antall instruktører", "Instructors needed"), val("instructors_needed", "1"), err("instructors_needed")));
    b.push_str(&format!("<label for=\"priority\">{}</label><input id=\"priority\" name=\"priority\" value=\"{}\" size=\"2\">{}", lang.pick("Prioritet (1 lav – 5 høy)", "Priority (1 low – 5 high)"), val("priority", "3"), err("priority")));
    b.push_str(&format!("<label for=\"note\">{}</label><textarea id=\"note\" name=\"note\" rows=\"3\" cols=\"50\">{}</textarea>{}", lang.pick("Merknad", "Note"), val("note", ""), err("note")));
    b.push_str(&format!(
        "<p><button type=\"submit\" id=\"submit\">{}</button></p></form>",
        lang.pick("Send inn", "Submit")
    ));

    let list = state
        .request_statuses(|a| a == who.subject, lang)
        .await
        .map_err(|e| ApiError::app(e, lang).into_response())?;
    b.push_str(&format!("<h2>{}</h2><table id=\"requests\"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th></th></tr>",
        lang.pick("Våre forespørsler", "Our requests"), lang.pick("Emne", "Topic"), lang.pick("Første dag", "First day"), "Status",
        lang.pick("Instruktør", "Instructor"), lang.pick("Merknad", "Note")));
    for r in list {
        let who_text = if r.status == "uncovered" {
            r.reasons.join("; ")
        } else {
            r.instructors.join(", ")
        };
        let withdraw = if r.status == "withdrawn" {
            String::new()
        } else {
            format!(
                "<form method=\"post\" action=\"/association/requests/{}/withdraw{}\"><button>{}</button></form>",
                esc(&r.id),
                q(lang),
                lang.pick("Trekk", "Withdraw")
            )
        };
        b.push_str(&format!(
            "<tr data-request=\"{}\"><td>{} ({})</td><td>{}</td><td class=\"status\">{}</td><td class=\"instructors\">{}</td><td>{}</td><td>{withdraw}</td></tr>",
            esc(&r.id), esc(&r.topic), esc(&r.language), esc(r.first_date.as_deref().unwrap_or("")), status_text(&r.status, lang), esc(&who_text), esc(&r.note)
        ));
    }
    b.push_str("</table>");
    Ok(b)
}

pub async fn association_page(
    AxState(state): AxState<State>,
    Query(qr): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = lang_of(&headers, qr.lang.as_deref());
    let me = caller!(&state, &headers, lang, Role::Association);
    match association_view(&state, &me, lang, &HashMap::new(), &[]).await {
        Ok(body) => page(
            lang,
            lang.pick("Kursforespørsler", "Course requests"),
            &body,
        )
        .into_response(),
        Err(r) => r,
    }
}

/// A form field as a number, or a field error.
fn form_number<T: std::str::FromStr>(
    form: &HashMap<String, String>,
    k: &str,
    lang: Lang,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    let v = form.get(k).map(|v| v.trim()).unwrap_or("");
    let parsed = v.parse().ok();
    if parsed.is_none() {
        errors.push(FieldError {
            field: k.into(),
            message: format!(
                "'{}' {}",
                v,
                lang.pick("er ikke et helt tall", "is not a whole number")
            ),
        });
    }
    parsed
}

pub async fn association_submit(
    AxState(state): AxState<State>,
    Query(qr): Query<LangQuery>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let lang = lang_of(&headers, qr.lang.as_deref());
    let me = caller!(&state, &headers, lang, Role::Association);
    let mut errors = Vec::new();
    let first_date = chrono::NaiveDate::parse_from_str(
        form.get("first_date").map_or("", |v| v.trim()),
        "%Y-%m-%d",
    )
    .ok();
    if first_date.is_none() {
        errors.push(FieldError {
            field: "first_date".into(),
            message: lang.pick("velg en dato", "choose a date").into(),
        });
    }
    let time = |k: &str, errors: &mut Vec<FieldError>| {
        let v = form.get(k).map_or("", |v| v.trim());
        let t = v.parse::<Hm>().ok();
        if t.is_none() {
            errors.push(FieldError {
                field: k.into(),
                message: format!(
                    "'{v}' {}",
                    lang.pick("er ikke et klokkeslett (TT:MM)", "is not a time (HH:MM)")
                ),
            });
        }
        t
    };
    let start = time("start", &mut errors);
    let end = time("end", &mut errors);
    let count: Option<u32> = form_number(&form, "count", lang, &mut errors);
    let interval: Option<u32> = form_number(&form, "interval_days", lang, &mut errors);
    let needed: Option<u32> = form_number(&form, "instructors_needed", lang, &mut errors);
    let priority: Option<u8> = form_number(&form, "priority", lang, &mut errors);
    if errors.is_empty() {
        let submission = Submission {
            association: None,
            topic: form.get("topic").cloned().unwrap_or_default(),
            language: form.get("language").cloned().unwrap_or_default(),
            instructors_needed: needed.unwrap_or(1),
            priority: priority.unwrap_or(3),
            series: Some(Series {
                first_date: first_date.expect("checked"),
                start: start.expect("checked"),
                end: end.expect("checked"),
                count: count.expect("checked"),
                interval_days: interval.expect("checked"),
            }),
            sessions: Vec::new(),
            venue_lat: None,
            venue_lon: None,
            note: form.get("note").cloned().unwrap_or_default(),
        };
        match state.submit(&me.subject, &submission, lang).await {
            Ok(_) => return Redirect::to(&format!("/association{}", q(lang))).into_response(),
            Err(AppError::Fields(e)) => errors = e,
            Err(e) => return ApiError::app(e, lang).into_response(),
        }
    }
    match association_view(&state, &me, lang, &form, &errors).await {
        Ok(body) => (
            StatusCode::BAD_REQUEST,
            page(
                lang,
                lang.pick("Kursforespørsler", "Course requests"),
                &body,
            ),
        )
            .into_response(),
        Err(r) => r,
    }
}

pub async fn association_withdraw(
    AxState(state): AxState<State>,
    Path(id): Path<String>,
    Query(qr): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = lang_of(&headers, qr.lang.as_deref());
    let me = caller!(&state, &headers, lang, Role::Association);
    match state.withdraw(&id, |a| a == me.subject).await {
        Ok(()) => Redirect::to(&format!("/association{}", q(lang))).into_response(),
        Err(AppError::UnknownRequest(_)) => (
            StatusCode::NOT_FOUND,
            page(
                lang,
                "klynge",
                lang.pick("Fant ingen slik forespørsel.", "No such request."),
            ),
        )
            .into_response(),
        Err(e) => ApiError::app(e, lang).into_response(),
    }
}

pub async fn coordinator_page(
    AxState(state): AxState<State>,
    Query(qr): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = lang_of(&headers, qr.lang.as_deref());
    let me = caller!(&state, &headers, lang, Role::Coordinator);
    let runs = match state.runs(&me).await {
        Ok(r) => r,
        Err(e) => return ApiError::app(e, lang).into_response(),
    };
    let mut b = format!(
        "<form method=\"post\" action=\"/coordinator/plan{}\"><button id=\"plan\">{}</button></form>",
        q(lang),
        lang.pick(
            "Planlegg nå (alle innsendte forespørsler)",
            "Plan now (all submitted requests)"
        )
    );
    b.push_str(&format!(
        "<h2>{}</h2><table id=\"runs\"><tr><th>{}</th><th>Status</th><th>{}</th><th>{}</th><th>km</th><th>{}</th><th></th></tr>",
        lang.pick("Kjøringer", "Runs"), lang.pick("Kjøring", "Run"), lang.pick("Forespørsler dekket", "Requests covered"),
        lang.pick("Vektet dekning", "Weighted coverage"), lang.pick("Laget", "Created")
    ));
    for r in runs {
        let f = &r.figures;
        // The next steps a run allows: approve → publish; a published run can be repaired.
        let button = |action: &str, class: &str, label: &str| {
            format!(
                "<form method=\"post\" action=\"/coordinator/runs/{}/{action}{}\"><button class=\"{class}\">{label}</button></form>",
                r.id,
                q(lang)
            )
        };
        let publish = match r.status.as_str() {
            "proposed" => {
                button("approve", "approve", lang.pick("Godkjenn", "Approve"))
                    + &button("publish", "publish", lang.pick("Publiser", "Publish"))
            }
            "approved" => button("publish", "publish", lang.pick("Publiser", "Publish")),
            "published" => button(
                "repair",
                "repair",
                lang.pick("Reparer (færrest endringer)", "Repair (fewest changes)"),
            ),
            _ => String::new(),
        };
        b.push_str(&format!(
            "<tr data-run=\"{}\"><td>{}</td><td class=\"status\">{}</td><td>{}/{}</td><td>{}/{}</td><td>{:.0}</td><td>{}</td><td>{publish}</td></tr>",
            r.id, r.id, esc(&r.status), f.requests_covered, f.requests_total, f.weighted_covered, f.weighted_total, f.total_km, esc(&r.created_at)
        ));
    }
    b.push_str("</table>");
    let visible = |a: &str| state.coordinator_sees(&me, a);
    if let Ok(list) = state.request_statuses(visible, lang).await {
        b.push_str(&format!(
            "<h2>{}</h2><ul>",
            lang.pick("Innsendte forespørsler", "Submitted requests")
        ));
        for r in list {
            b.push_str(&format!(
                "<li>{} – {} – {} ({})</li>",
                esc(&r.id),
                esc(&r.association),
                esc(&r.topic),
                status_text(&r.status, lang)
            ));
        }
        b.push_str("</ul>");
    }
    page(lang, lang.pick("Koordinator", "Coordinator"), &b).into_response()
}

pub async fn coordinator_plan(
    AxState(state): AxState<State>,
    Query(qr): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = lang_of(&headers, qr.lang.as_deref());
    let me = caller!(&state, &headers, lang, Role::Coordinator);
    match state.plan_now(&me).await {
        Ok(_) => Redirect::to(&format!("/coordinator{}", q(lang))).into_response(),
        Err(e) => ApiError::app(e, lang).into_response(),
    }
}

pub async fn coordinator_publish(
    AxState(state): AxState<State>,
    Path(id): Path<i64>,
    Query(qr): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = lang_of(&headers, qr.lang.as_deref());
    let me = caller!(&state, &headers, lang, Role::Coordinator);
    match state.publish(&me, id).await {
        Ok(()) => Redirect::to(&format!("/coordinator{}", q(lang))).into_response(),
        Err(e) => ApiError::app(e, lang).into_response(),
    }
}

pub async fn coordinator_approve(
    AxState(state): AxState<State>,
    Path(id): Path<i64>,
    Query(qr): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = lang_of(&headers, qr.lang.as_deref());
    let me = caller!(&state, &headers, lang, Role::Coordinator);
    match state.approve(&me, id).await {
        Ok(_) => Redirect::to(&format!("/coordinator{}", q(lang))).into_response(),
        Err(e) => ApiError::app(e, lang).into_response(),
    }
}

pub async fn coordinator_repair(
    AxState(state): AxState<State>,
    Path(id): Path<i64>,
    Query(qr): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = lang_of(&headers, qr.lang.as_deref());
    let me = caller!(&state, &headers, lang, Role::Coordinator);
    let repaired = match state.repair_now(&me, id).await {
        Ok(r) => r,
        Err(e) => return ApiError::app(e, lang).into_response(),
    };
    let new = repaired.id;
    let mut b = match lang {
        Lang::Nb => {
            format!("<p>Kjøring {new} reparerer kjøring {id}. Endringer:</p><ul id=\"changes\">")
        }
        Lang::En => format!("<p>Run {new} repairs run {id}. Changes:</p><ul id=\"changes\">"),
    };
    for c in &repaired.changes {
        b.push_str(&format!("<li>{}</li>", esc(&c.line())));
    }
    b.push_str(&format!(
        "</ul><p><a href=\"/coordinator{}\">{}</a></p>",
        q(lang),
        lang.pick("Tilbake", "Back")
    ));
    page(lang, lang.pick("Reparasjon", "Repair"), &b).into_response()
}

pub async fn instructor_page(
    AxState(state): AxState<State>,
    Query(qr): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = lang_of(&headers, qr.lang.as_deref());
    let me = caller!(&state, &headers, lang, Role::Instructor);
    let list = match state.assignments_for(Some(&me.subject)).await {
        Ok(l) => l,
        Err(e) => return ApiError::app(e, lang).into_response(),
    };
    let mut b = format!(
        "<table id=\"assignments\"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th></th></tr>",
        lang.pick("Forening", "Association"),
        lang.pick("Emne", "Topic"),
        lang.pick("Økter", "Sessions"),
        lang.pick("Svar", "Answer")
    );
    for a in list {
        let dates: Vec<String> = a
            .sessions
            .iter()
            .map(|s| format!("{} {}–{}", s.date, s.start, s.end))
            .collect();
        let answer = match a.answer.as_str() {
            "accepted" => lang.pick("takket ja", "accepted"),
            "declined" => lang.pick("takket nei", "declined"),
            _ => lang.pick("ikke svart", "not answered"),
        };
        let buttons = format!(
            "<form method=\"post\" action=\"/instructor/{run}/{req}/accept{q}\"><button>{}</button></form>\
             <form method=\"post\" action=\"/instructor/{run}/{req}/decline{q}\"><button>{}</button></form>",
            lang.pick("Ja, jeg tar det", "Yes, I'll take it"),
            lang.pick("Nei, jeg kan ikke", "No, I can't"),
            run = a.run,
            req = esc(&a.request),
            q = q(lang)
        );
        b.push_str(&format!(
            "<tr><td>{}</td><td>{} ({})</td><td>{}</td><td>{answer}</td><td>{buttons}</td></tr>",
            esc(&a.association),
            esc(&a.topic),
            esc(&a.language),
            esc(&dates.join(", "))
        ));
    }
    b.push_str("</table>");
    b.push_str(&format!(
        "<h2>{}</h2><p>{}</p><form method=\"post\" action=\"/instructor/feed{}\"><button id=\"feed\">{}</button></form>",
        lang.pick("Kalender", "Calendar"),
        lang.pick(
            "Lag en personlig lenke og abonner på den i telefonens kalender. En ny lenke gjør den gamle ugyldig.",
            "Make a personal link and subscribe to it in your phone's calendar. A new link stops the old one.",
        ),
        q(lang),
        lang.pick("Lag kalenderlenke", "Make calendar link")
    ));
    page(lang, lang.pick("Mine kurs", "My courses"), &b).into_response()
}

pub async fn instructor_answer(
    AxState(state): AxState<State>,
    Path((run, request, answer)): Path<(i64, String, String)>,
    Query(qr): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = lang_of(&headers, qr.lang.as_deref());
    let me = caller!(&state, &headers, lang, Role::Instructor);
    match state
        .record_answer(run, &request, &me.subject, &answer)
        .await
    {
        Ok(_) => Redirect::to(&format!("/instructor{}", q(lang))).into_response(),
        Err(e) => {
            let e = ApiError::app(e, lang);
            (e.status, page(lang, "klynge", &esc(&e.message))).into_response()
        }
    }
}

pub async fn instructor_feed(
    AxState(state): AxState<State>,
    Query(qr): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = lang_of(&headers, qr.lang.as_deref());
    let me = caller!(&state, &headers, lang, Role::Instructor);
    let secret = match state.new_feed(&me.subject).await {
        Ok(s) => s,
        Err(e) => return ApiError::app(e, lang).into_response(),
    };
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let url = format!("http://{host}/calendar/{secret}.ics");
    let body = format!(
        "<p>{}</p><p><code id=\"feed-url\">{}</code></p><p><a href=\"/instructor{}\">{}</a></p>",
        lang.pick(
            "Din kalenderlenke (abonner på den i telefonens kalender):",
            "Your calendar link (subscribe to it in your phone's calendar):"
        ),
        esc(&url),
        q(lang),
        lang.pick("Tilbake", "Back")
    );
    page(lang, lang.pick("Kalender", "Calendar"), &body).into_response()
}
