//! The public overview of one municipality: no token, only published and public data.

use std::sync::Arc;

use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{OrPage, PageError, PageLang, render};
use crate::app::Service;
use crate::app::overview::Overview;
use crate::i18n::Lang;
use crate::server::auth::UserLang;

#[derive(Deserialize, Default)]
pub struct Window {
    /// First day (default: today).
    from: Option<String>,
    /// How many weeks (default 8, at most 52).
    weeks: Option<u32>,
    /// `json` for the same as JSON, `ics` for the courses as iCalendar.
    format: Option<String>,
}

#[derive(Template)]
#[template(path = "overview.html")]
struct OverviewPage<'a> {
    lang: Lang,
    title: &'a str,
    frame: super::Frame,
    overview: Overview,
    links: Links,
}

/// The same overview in the other forms, with the same window.
struct Links {
    ics: String,
    json: String,
}

impl Links {
    fn new(municipality: &str, w: &Window, lang: Lang) -> Links {
        let mut query = String::new();
        if let Some(from) = &w.from {
            query.push_str(&format!("&from={}", encode(from)));
        }
        if let Some(weeks) = w.weeks {
            query.push_str(&format!("&weeks={weeks}"));
        }
        if lang == Lang::En {
            query.push_str("&lang=en");
        }
        let path = format!("/tilbud/{}", encode(municipality));
        Links {
            ics: format!("{path}?format=ics{query}"),
            json: format!("{path}?format=json{query}"),
        }
    }
}

/// Everything but RFC 3986's unreserved characters encoded (`2027-01-11` stays readable).
fn encode(v: &str) -> String {
    const UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(v, UNRESERVED).to_string()
}

impl OverviewPage<'_> {
    fn date(&self, d: &chrono::NaiveDate) -> String {
        crate::app::records::show_day(*d)
    }
}

pub async fn page(
    State(state): State<Arc<Service>>,
    UserLang(lang): UserLang,
    Path(municipality): Path<String>,
    Query(w): Query<Window>,
    uri: axum::http::Uri,
) -> Result<Response, PageError> {
    let from = match w.from.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => chrono::Local::now().date_naive(),
        Some(v) => crate::app::records::parse_day(v).ok_or_else(|| {
            PageError::new(
                StatusCode::BAD_REQUEST,
                lang.pick(
                    "fra-datoen må være en dato (DD.MM.ÅÅÅÅ eller ÅÅÅÅ-MM-DD)",
                    "the from date must be a date (DD.MM.YYYY or YYYY-MM-DD)",
                ),
                lang,
            )
        })?,
    };
    let overview = state
        .overview(&municipality, from, w.weeks.unwrap_or(8))
        .await
        .or_page(lang)?;
    match w.format.as_deref() {
        Some("json") => return Ok(Json(overview).into_response()),
        Some("ics") => {
            let ics = state
                .overview_calendar(&overview, lang)
                .await
                .or_page(lang)?;
            return Ok((
                [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
                ics,
            )
                .into_response());
        }
        _ => {}
    }
    let links = Links::new(&municipality, &w, lang);
    let title = match lang {
        Lang::Nb => format!("Digital hjelp i {}", overview.municipality),
        Lang::En => format!("Digital help in {}", overview.municipality),
    };
    Ok(render(
        StatusCode::OK,
        &OverviewPage {
            lang,
            title: &title,
            frame: super::Frame::public(Some(super::frame::here_of(&uri))),
            overview,
            links,
        },
    ))
}
