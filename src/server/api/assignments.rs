//! Assignments, instructors' answers and their calendar feeds.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::Serialize;

use crate::app::Service;
use crate::app::service::AssignmentView;
use crate::i18n::Lang;
use crate::server::auth::{COORDINATOR, Caller, INSTRUCTOR};
use crate::server::{ApiError, OrApiError};
use crate::store::Role;

/// An instructor's answer, recorded.
#[derive(Serialize)]
pub struct Answered {
    pub run: i64,
    pub request: String,
    /// `accepted` or `declined`.
    pub answer: String,
    /// After a decline: the new proposed run that repairs the rota without it.
    pub repair_run: Option<i64>,
}

/// A personal calendar feed.
#[derive(Serialize)]
pub struct Feed {
    /// Path of the iCalendar feed on this server.
    pub url: String,
}

/// Assignments of the newest run (an instructor: their own)
pub async fn list_assignments(
    State(state): State<Arc<Service>>,
    c: Caller<{ COORDINATOR | INSTRUCTOR }>,
) -> Result<Json<Vec<AssignmentView>>, ApiError> {
    let list = match c.who.role {
        Role::Instructor => state.assignments_for(Some(&c.who.subject)).await,
        _ => state.assignments_for(None).await.map(|all| {
            all.into_iter()
                .filter(|a| state.coordinator_sees(&c.who, &a.association_id))
                .collect()
        }),
    }
    .or_api(c.lang)?;
    Ok(Json(list))
}

/// Accept or decline one's assignment; a decline is repaired at once into a new proposed run
pub async fn answer_assignment(
    State(state): State<Arc<Service>>,
    c: Caller<INSTRUCTOR>,
    Path((run, request, answer)): Path<(i64, String, String)>,
) -> Result<Json<Answered>, ApiError> {
    let (answer, repair_run) = state
        .record_answer(run, &request, &c.who.subject, &answer)
        .await
        .or_api(c.lang)?;
    Ok(Json(Answered {
        run,
        request,
        answer: answer.to_owned(),
        repair_run,
    }))
}

/// Make a new personal calendar feed URL (the old one stops working)
pub async fn new_feed(
    State(state): State<Arc<Service>>,
    c: Caller<INSTRUCTOR>,
) -> Result<Json<Feed>, ApiError> {
    let secret = state.new_feed(&c.who.subject).await.or_api(c.lang)?;
    Ok(Json(Feed {
        url: format!("/calendar/{secret}.ics"),
    }))
}

/// An instructor's published rota as iCalendar (by the feed's secret, no token)
pub async fn calendar_feed(
    State(state): State<Arc<Service>>,
    Path(secret): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let secret = secret.trim_end_matches(".ics");
    let Some((rota, stamp)) = state.calendar(secret).await.or_api(Lang::Nb)? else {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "no such calendar"));
    };
    Ok((
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
        crate::export::to_ics(&rota, &stamp),
    ))
}
