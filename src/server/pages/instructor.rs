//! An instructor's page: their assignments with accept and decline buttons, and their
//! calendar link.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{OrPage, PageError, PageLang, back_to, filters, render};
use crate::app::Service;
use crate::app::service::AssignmentView;
use crate::i18n::Lang;
use crate::server::auth::{INSTRUCTOR, PageCaller};

type Instructor = PageCaller<INSTRUCTOR>;

#[derive(Template)]
#[template(path = "instructor.html")]
struct InstructorPage<'a> {
    lang: Lang,
    title: &'a str,
    assignments: Vec<AssignmentView>,
}

#[derive(Template)]
#[template(path = "feed.html")]
struct FeedPage<'a> {
    lang: Lang,
    title: &'a str,
    url: String,
}

pub async fn page(State(state): State<Arc<Service>>, c: Instructor) -> Result<Response, PageError> {
    let assignments = state
        .assignments_for(Some(&c.who.subject))
        .await
        .or_page(c.lang)?;
    Ok(render(
        StatusCode::OK,
        &InstructorPage {
            lang: c.lang,
            title: c.lang.pick("Mine kurs", "My courses"),
            assignments,
        },
    ))
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
    Ok(back_to("/instructor", c.lang).into_response())
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
    Ok(render(
        StatusCode::OK,
        &FeedPage {
            lang: c.lang,
            title: c.lang.pick("Kalender", "Calendar"),
            url: format!("http://{host}/calendar/{secret}.ics"),
        },
    ))
}
