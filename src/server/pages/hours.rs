//! The coordinator's hours for the study association: the published courses of their
//! cluster with taught hours, on a page and as a CSV file for a spreadsheet.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{OrPage, PageError, PageLang, render};
use crate::app::Service;
use crate::hours::{Hours, HoursRules};
use crate::i18n::Lang;
use crate::server::auth::{COORDINATOR, PageCaller};

type Coordinator = PageCaller<COORDINATOR>;

/// The period, as the page's form sends it (empty: no limit).
#[derive(Deserialize, Default)]
pub struct Period {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

#[derive(Template)]
#[template(path = "hours.html")]
struct HoursPage<'a> {
    lang: Lang,
    title: &'a str,
    frame: super::Frame,
    hours: Hours,
    from: &'a str,
    to: &'a str,
    /// A date that could not be read, said in the user's language.
    problem: Option<String>,
}

impl HoursPage<'_> {
    fn n(&self, v: &f64) -> String {
        self.lang.number(*v, 1)
    }
}

/// The rules for a period; a date that cannot be read is said, and the period ignored.
fn rules(p: &Period, lang: Lang) -> (HoursRules, Option<String>) {
    let day = |v: &str| {
        let v = v.trim();
        if v.is_empty() {
            return Ok(None);
        }
        crate::app::records::parse_day(v)
            .map(Some)
            .ok_or_else(|| match lang {
                Lang::Nb => format!("«{}» er ikke en dato", crate::model::shorten(v)),
                Lang::En => format!("'{}' is not a date", crate::model::shorten(v)),
            })
    };
    match (day(&p.from), day(&p.to)) {
        (Ok(from), Ok(to)) => (
            HoursRules {
                from,
                to,
                ..HoursRules::default()
            },
            None,
        ),
        (Err(e), _) | (_, Err(e)) => (HoursRules::default(), Some(e)),
    }
}

pub async fn page(
    State(state): State<Arc<Service>>,
    c: Coordinator,
    Query(p): Query<Period>,
    uri: axum::http::Uri,
) -> Result<Response, PageError> {
    let (rules, problem) = rules(&p, c.lang);
    let hours = state.hours(&c.who, &rules).await.or_page(c.lang)?;
    let status = if problem.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok(render(
        status,
        &HoursPage {
            lang: c.lang,
            title: c.lang.pick(
                "Timer til studieforbundet",
                "Hours for the study association",
            ),
            frame: super::Frame::of(&state, &c.who, c.lang, &super::frame::here_of(&uri)),
            hours,
            from: &p.from,
            to: &p.to,
            problem,
        },
    ))
}

/// The same as a CSV file: `;`-separated, UTF-8 with BOM, decimal comma.
pub async fn csv(
    State(state): State<Arc<Service>>,
    c: Coordinator,
    Query(p): Query<Period>,
) -> Result<Response, PageError> {
    let (rules, problem) = rules(&p, c.lang);
    if let Some(problem) = problem {
        return Err(PageError::new(StatusCode::BAD_REQUEST, &problem, c.lang));
    }
    let hours = state.hours(&c.who, &rules).await.or_page(c.lang)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"timer.csv\"",
            ),
        ],
        crate::export::hours_csv(&hours, c.lang),
    )
        .into_response())
}
