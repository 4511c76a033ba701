//! A run's page for its coordinator: the figures, the rota as a week on a planner's board
//! (per instructor or per association), the map, what is uncovered with why and who could
//! take it, and the run in every file the command line writes.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::frame::{Done, Frame, here_of};
use super::week::{By, Week, default_week, parse_week, week};
use super::{OrPage, PageError, PageLang, names, render, show};
use crate::app::Service;
use crate::app::runs::{Help, RunFile};
use crate::export::Rota;
use crate::i18n::Lang;
use crate::server::auth::{COORDINATOR, PageCaller};

type Coordinator = PageCaller<COORDINATOR>;

/// An uncovered request as the page lists it.
struct Uncovered {
    request: String,
    what: String,
    reasons: Vec<String>,
    /// (name, one-way km, what taking it would break; empty: nothing)
    options: Vec<(String, String, String)>,
    more: usize,
}

#[derive(Template)]
#[template(path = "run.html")]
struct RunPage<'a> {
    lang: Lang,
    title: &'a str,
    frame: Frame,
    id: i64,
    status: String,
    status_text: String,
    /// (label, value)
    figures: Vec<(&'a str, String)>,
    week: Week,
    by: &'static str,
    map: String,
    uncovered: Vec<Uncovered>,
    /// Uncovered requests beyond those listed with suggestions.
    uncovered_more: usize,
    /// (href, text, file name)
    files: Vec<(String, &'a str, &'static str)>,
}

impl RunPage<'_> {
    /// The address of this page with another week or another row kind.
    fn link(&self, week: &str, by: &str) -> String {
        let base = format!("/coordinator/runs/{}?week={week}&by={by}", self.id);
        match self.lang {
            Lang::En => format!("{base}&lang=en"),
            Lang::Nb => base,
        }
    }
}

pub async fn page(
    State(state): State<Arc<Service>>,
    c: Coordinator,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
    uri: axum::http::Uri,
    done: Done,
) -> Result<Response, PageError> {
    let lang = c.lang;
    let run = state.run(&c.who, id).await.or_page(lang)?;
    let rota = Rota::new(id, &run.dataset, &run.assignments, &run.uncovered, lang);
    let by = By::parse(q.get("by").map(String::as_str));
    let monday = match q.get("week").filter(|w| !w.trim().is_empty()) {
        None => default_week(&rota, state.today()),
        Some(w) => parse_week(w).ok_or_else(|| {
            PageError::new(
                StatusCode::BAD_REQUEST,
                lang.pick(
                    "uken må skrives som ÅÅÅÅ-Uuu, f.eks. 2027-W03",
                    "the week must be written as YYYY-Www, e.g. 2027-W03",
                ),
                lang,
            )
        })?,
    };
    let week = week(&rota, monday, by, lang);
    let f = &run.summary.figures;
    let figures = vec![
        (
            lang.pick("Forespørsler dekket", "Requests covered"),
            format!(
                "{} / {} ({})",
                f.requests_covered,
                f.requests_total,
                show::percent(f.requests_covered as f64, f.requests_total as f64, lang)
            ),
        ),
        (
            lang.pick("Kursdager dekket", "Sessions covered"),
            format!("{} / {}", f.sessions_covered, f.sessions_total),
        ),
        (
            lang.pick("Vektet dekning", "Weighted coverage"),
            show::percent(f.weighted_covered, f.weighted_total, lang),
        ),
        (
            lang.pick("Instruktører i bruk", "Instructors used"),
            f.instructors_used.to_string(),
        ),
        (
            lang.pick("Kjøring tur–retur i alt", "Round-trip travel in all"),
            format!("{} km", show::number(f.total_km, 0, lang)),
        ),
        (
            lang.pick("Flest kursdager på én", "Most sessions for one"),
            f.max_load.to_string(),
        ),
    ];
    let map = crate::export::report::run_map_svg(
        &run,
        lang.pick(
            "Kart over foreningene (firkant: hub, sirkel: liten forening, farge: klynge) og instruktørenes reiser",
            "Map of the associations (square: hub, circle: small association, colour: cluster) and the instructors' trips",
        ),
        lang,
    );
    let uncovered = uncovered(&run, state.help_uncovered(&run).await, lang);
    let uncovered_more = run.uncovered.len().saturating_sub(uncovered.len());
    let files = RunFile::ALL
        .into_iter()
        .map(|file| {
            (
                format!(
                    "/coordinator/runs/{id}/files/{}{}",
                    file.name(),
                    lang.query()
                ),
                file.describe(lang),
                file.name(),
            )
        })
        .collect();
    let title = match lang {
        Lang::Nb => format!("Kjøring {id}"),
        Lang::En => format!("Run {id}"),
    };
    Ok(render(
        StatusCode::OK,
        &RunPage {
            lang,
            title: &title,
            frame: Frame::of(&state, &c.who, lang, &here_of(&uri)).flash(&done, lang),
            id,
            status_text: show::run_status(&run.summary.status, lang),
            status: run.summary.status.clone(),
            figures,
            week,
            by: by.key(),
            map,
            uncovered,
            uncovered_more,
            files,
        },
    ))
}

/// The uncovered requests with their reasons and who could take each.
fn uncovered(run: &crate::run::Run, helps: Vec<Help>, lang: Lang) -> Vec<Uncovered> {
    // The reasons name instructors and associations as people know them.
    let people = crate::compare::Names::of(std::slice::from_ref(run));
    helps
        .into_iter()
        .map(|h| {
            let request = run.dataset.requests.iter().find(|r| r.id == h.request);
            let association = request
                .and_then(|r| run.dataset.association(&r.association))
                .map_or_else(String::new, |a| a.name.clone());
            let first = request
                .and_then(|r| r.all_sessions().first().map(|s| s.date))
                .map(|d| show::date(d, lang))
                .unwrap_or_default();
            let what = match request {
                Some(r) => format!(
                    "{association}: {} ({}), {first}",
                    names::topic(&r.topic, lang),
                    names::language(&r.language, lang)
                ),
                None => h.request.clone(),
            };
            let reasons = run
                .uncovered
                .iter()
                .find(|u| u.request == h.request)
                .map(|u| u.reasons.iter().map(|r| r.told(lang, &people)).collect())
                .unwrap_or_default();
            let all = h.suggestions.map(|s| s.options).unwrap_or_default();
            let more = all.len().saturating_sub(3);
            let options = all
                .into_iter()
                .take(3)
                .map(|o| {
                    let clash = if o.clashes.is_empty() {
                        String::new()
                    } else {
                        let list: Vec<String> =
                            o.clashes.iter().map(|v| v.told(lang, &people)).collect();
                        list.join("; ")
                    };
                    (o.name, show::number(o.km_one_way, 0, lang), clash)
                })
                .collect();
            Uncovered {
                request: h.request,
                what,
                reasons,
                options,
                more,
            }
        })
        .collect()
}

/// A run as a file to download.
pub async fn file(
    State(state): State<Arc<Service>>,
    c: Coordinator,
    Path((id, name)): Path<(i64, String)>,
) -> Result<Response, PageError> {
    let lang = c.lang;
    let Some(file) = RunFile::from_name(&name) else {
        return Err(PageError::new(
            StatusCode::NOT_FOUND,
            lang.pick("Ingen slik fil.", "No such file."),
            lang,
        ));
    };
    let bytes = state.run_file(&c.who, id, file, lang).await.or_page(lang)?;
    let disposition = format!("attachment; filename=\"klynge-{id}-{}\"", file.name());
    Ok((
        [
            (header::CONTENT_TYPE, file.content_type().to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}
