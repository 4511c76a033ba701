//! Assignments, instructors' answers and their calendar feeds.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::Service;
use crate::app::service::AssignmentView;
use crate::i18n::Lang;
use crate::server::auth::{COORDINATOR, Caller, INSTRUCTOR, Language};
use crate::server::{ApiError, ErrorBody, OrApiError};
use crate::store::Role;

/// An instructor's answer, recorded.
#[derive(Serialize, ToSchema)]
pub struct Answered {
    pub run: i64,
    pub request: String,
    /// `accepted` or `declined`.
    pub answer: String,
    /// After a decline: the new proposed run that repairs the rota without it.
    pub repair_run: Option<i64>,
    /// After a decline whose repair could not keep every answer: why (nothing was stored;
    /// the coordinator must resolve it).
    pub repair_problem: Option<String>,
}

/// A personal calendar feed.
#[derive(Serialize, ToSchema)]
pub struct Feed {
    /// Path of the iCalendar feed on this server.
    #[schema(examples("/calendar/0c1f7a9e4b2d.ics"))]
    pub url: String,
}

/// Assignments of the newest run (an instructor: their own)
#[utoipa::path(
    get,
    path = "/api/assignments",
    tag = "assignments",
    params(Language),
    security(("bearer" = [])),
    responses(
        (status = OK, description = "The assignments the caller may see", body = Vec<AssignmentView>),
        (status = UNAUTHORIZED, description = "No valid token", body = ErrorBody),
        (status = FORBIDDEN, description = "An association", body = ErrorBody),
    )
)]
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
#[utoipa::path(
    post,
    path = "/api/assignments/{run}/{request}/{answer}",
    tag = "assignments",
    params(
        ("run" = i64, Path, description = "The run"),
        ("request" = String, Path, description = "The request's id"),
        ("answer" = String, Path, description = "`accept` or `decline`"),
        Language
    ),
    security(("bearer" = [])),
    responses(
        (status = OK, description = "Recorded", body = Answered),
        (status = BAD_REQUEST, description = "An answer other than accept or decline", body = ErrorBody),
        (status = UNAUTHORIZED, description = "No valid token", body = ErrorBody),
        (status = FORBIDDEN, description = "Not an instructor", body = ErrorBody),
        (status = NOT_FOUND, description = "No such assignment of the caller's", body = ErrorBody),
        (status = CONFLICT, description = "The run is not the published rota (nor a newer proposal)", body = ErrorBody),
    )
)]
pub async fn answer_assignment(
    State(state): State<Arc<Service>>,
    c: Caller<INSTRUCTOR>,
    Path((run, request, answer)): Path<(i64, String, String)>,
) -> Result<Json<Answered>, ApiError> {
    let answered = state
        .record_answer(run, &request, &c.who.subject, &answer)
        .await
        .or_api(c.lang)?;
    Ok(Json(Answered {
        run,
        request,
        answer: answered.answer.to_owned(),
        repair_run: answered.repair_run,
        repair_problem: answered.repair_problem.map(|e| e.render(c.lang, false)),
    }))
}

/// Make a new personal calendar feed URL (the old one stops working)
#[utoipa::path(
    post,
    path = "/api/feed",
    tag = "assignments",
    params(Language),
    security(("bearer" = [])),
    responses(
        (status = OK, description = "The new feed", body = Feed),
        (status = UNAUTHORIZED, description = "No valid token", body = ErrorBody),
        (status = FORBIDDEN, description = "Not an instructor", body = ErrorBody),
    )
)]
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
#[utoipa::path(
    get,
    path = "/calendar/{secret}",
    tag = "assignments",
    params(("secret" = String, Path, description = "The feed's secret, with or without `.ics`")),
    responses(
        (status = OK, description = "The rota", body = String, content_type = "text/calendar"),
        (status = NOT_FOUND, description = "No such feed (or no longer)", body = ErrorBody),
    )
)]
pub async fn calendar_feed(
    State(state): State<Arc<Service>>,
    Path(secret): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let secret = secret.trim_end_matches(".ics");
    let Some(ics) = state.calendar(secret).await.or_api(Lang::Nb)? else {
        // A calendar app reads no language; both are said.
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "fant ingen slik kalender / no such calendar",
        ));
    };
    Ok((
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
        ics,
    ))
}
