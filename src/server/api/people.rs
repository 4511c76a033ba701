//! The cluster's people and places: coordinators list, add, edit and retire instructors
//! and associations of their cluster; an instructor reads and changes their own weekly
//! availability and away-periods.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Serialize;
use utoipa::ToSchema;

use super::json_body;
use crate::app::Service;
use crate::app::edit::Edited;
use crate::app::records::{AssociationRecord, InstructorRecord, OwnTimes};
use crate::i18n::Lang;
use crate::server::auth::{COORDINATOR, Caller, INSTRUCTOR, Language};
use crate::server::{ApiError, ErrorBody, ErrorResponse, OrApiError};

type Coordinator = Caller<COORDINATOR>;
type Instructor = Caller<INSTRUCTOR>;

/// What a change did beyond itself.
#[derive(Serialize, ToSchema)]
pub struct ChangeResult {
    /// Repair proposals made because the change broke a published assignment; the
    /// coordinator approves and publishes them (nothing is published by itself).
    pub repair_runs: Vec<i64>,
    /// Why no repair proposal could be made (the instructors' answers conflict), if so.
    pub repair_problem: Option<String>,
}

pub(super) fn result(e: Edited, lang: Lang) -> Json<ChangeResult> {
    Json(ChangeResult {
        repair_runs: e.repair_runs,
        repair_problem: e.repair_problem.map(|p| p.render(lang, false)),
    })
}

/// List the instructors of the caller's cluster
#[utoipa::path(
    get, path = "/api/instructors", tag = "people", params(Language), security(("bearer" = [])),
    responses(
        (status = OK, description = "The instructors the caller may edit", body = Vec<InstructorRecord>),
        (status = UNAUTHORIZED, description = "No valid token", body = ErrorBody),
        (status = FORBIDDEN, description = "Not a coordinator", body = ErrorBody),
    )
)]
pub async fn list_instructors(
    State(state): State<Arc<Service>>,
    c: Coordinator,
) -> Json<Vec<InstructorRecord>> {
    Json(state.instructors_for(&c.who))
}

/// Add an instructor
///
/// Checked by the same rules as an imported file; nothing is stored unless every field is
/// valid. A hub's coordinator adds instructors to their own hub.
#[utoipa::path(
    post, path = "/api/instructors", tag = "people", params(Language), request_body = InstructorRecord,
    security(("bearer" = [])),
    responses(
        (status = CREATED, description = "Added", body = ChangeResult),
        (status = BAD_REQUEST, description = "Unreadable JSON, or the fields with problems", body = ErrorResponse),
        (status = UNAUTHORIZED, description = "No valid token", body = ErrorBody),
        (status = FORBIDDEN, description = "Not a coordinator", body = ErrorBody),
        (status = CONFLICT, description = "Others kept changing the data; try again", body = ErrorBody),
        (status = UNSUPPORTED_MEDIA_TYPE, description = "The body is not sent as application/json", body = ErrorBody),
    )
)]
pub async fn add_instructor(
    State(state): State<Arc<Service>>,
    c: Coordinator,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<ChangeResult>), ApiError> {
    let record: InstructorRecord = json_body(&headers, &body, c.lang)?;
    let edited = state
        .save_instructor(&c.who, None, &record, c.lang)
        .await
        .or_api(c.lang)?;
    Ok((StatusCode::CREATED, result(edited, c.lang)))
}

/// One instructor of the caller's cluster
#[utoipa::path(
    get, path = "/api/instructors/{id}", tag = "people",
    params(("id" = String, Path, description = "The instructor's id"), Language),
    security(("bearer" = [])),
    responses(
        (status = OK, description = "The instructor", body = InstructorRecord),
        (status = UNAUTHORIZED, description = "No valid token", body = ErrorBody),
        (status = FORBIDDEN, description = "Not a coordinator", body = ErrorBody),
        (status = NOT_FOUND, description = "No such instructor in the caller's cluster", body = ErrorBody),
    )
)]
pub async fn get_instructor(
    State(state): State<Arc<Service>>,
    c: Coordinator,
    Path(id): Path<String>,
) -> Result<Json<InstructorRecord>, ApiError> {
    Ok(Json(state.instructor_for(&c.who, &id).or_api(c.lang)?))
}

/// Change an instructor (the whole record; the id stays)
///
/// A change that breaks a published assignment makes a repair proposal.
#[utoipa::path(
    put, path = "/api/instructors/{id}", tag = "people",
    params(("id" = String, Path, description = "The instructor's id"), Language),
    request_body = InstructorRecord, security(("bearer" = [])),
    responses(
        (status = OK, description = "Changed", body = ChangeResult),
        (status = BAD_REQUEST, description = "Unreadable JSON, or the fields with problems", body = ErrorResponse),
        (status = UNAUTHORIZED, description = "No valid token", body = ErrorBody),
        (status = FORBIDDEN, description = "Not a coordinator", body = ErrorBody),
        (status = NOT_FOUND, description = "No such instructor in the caller's cluster", body = ErrorBody),
        (status = CONFLICT, description = "Others kept changing the data; try again", body = ErrorBody),
        (status = UNSUPPORTED_MEDIA_TYPE, description = "The body is not sent as application/json", body = ErrorBody),
    )
)]
pub async fn edit_instructor(
    State(state): State<Arc<Service>>,
    c: Coordinator,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ChangeResult>, ApiError> {
    let record: InstructorRecord = json_body(&headers, &body, c.lang)?;
    let edited = state
        .save_instructor(&c.who, Some(&id), &record, c.lang)
        .await
        .or_api(c.lang)?;
    Ok(result(edited, c.lang))
}

/// Retire an instructor
///
/// Gone from the current data; past runs keep them. A published assignment of theirs
/// makes a repair proposal.
#[utoipa::path(
    delete, path = "/api/instructors/{id}", tag = "people",
    params(("id" = String, Path, description = "The instructor's id"), Language),
    security(("bearer" = [])),
    responses(
        (status = OK, description = "Retired", body = ChangeResult),
        (status = UNAUTHORIZED, description = "No valid token", body = ErrorBody),
        (status = FORBIDDEN, description = "Not a coordinator", body = ErrorBody),
        (status = NOT_FOUND, description = "No such instructor in the caller's cluster", body = ErrorBody),
    )
)]
pub async fn retire_instructor(
    State(state): State<Arc<Service>>,
    c: Coordinator,
    Path(id): Path<String>,
) -> Result<Json<ChangeResult>, ApiError> {
    let edited = state
        .retire_instructor(&c.who, &id, c.lang)
        .await
        .or_api(c.lang)?;
    Ok(result(edited, c.lang))
}

/// List the associations of the caller's cluster
#[utoipa::path(
    get, path = "/api/associations", tag = "people", params(Language), security(("bearer" = [])),
    responses(
        (status = OK, description = "The associations the caller may edit", body = Vec<AssociationRecord>),
        (status = UNAUTHORIZED, description = "No valid token", body = ErrorBody),
        (status = FORBIDDEN, description = "Not a coordinator", body = ErrorBody),
    )
)]
pub async fn list_associations(
    State(state): State<Arc<Service>>,
    c: Coordinator,
) -> Json<Vec<AssociationRecord>> {
    Json(state.associations_for(&c.who))
}

/// Add an association
///
/// A hub's coordinator adds small associations to their own cluster.
#[utoipa::path(
    post, path = "/api/associations", tag = "people", params(Language), request_body = AssociationRecord,
    security(("bearer" = [])),
    responses(
        (status = CREATED, description = "Added", body = ChangeResult),
        (status = BAD_REQUEST, description = "Unreadable JSON, or the fields with problems", body = ErrorResponse),
        (status = UNAUTHORIZED, description = "No valid token", body = ErrorBody),
        (status = FORBIDDEN, description = "Not a coordinator", body = ErrorBody),
        (status = CONFLICT, description = "Others kept changing the data; try again", body = ErrorBody),
        (status = UNSUPPORTED_MEDIA_TYPE, description = "The body is not sent as application/json", body = ErrorBody),
    )
)]
pub async fn add_association(
    State(state): State<Arc<Service>>,
    c: Coordinator,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<ChangeResult>), ApiError> {
    let record: AssociationRecord = json_body(&headers, &body, c.lang)?;
    let edited = state
        .save_association(&c.who, None, &record, c.lang)
        .await
        .or_api(c.lang)?;
    Ok((StatusCode::CREATED, result(edited, c.lang)))
}

/// One association of the caller's cluster
#[utoipa::path(
    get, path = "/api/associations/{id}", tag = "people",
    params(("id" = String, Path, description = "The association's id"), Language),
    security(("bearer" = [])),
    responses(
        (status = OK, description = "The association", body = AssociationRecord),
        (status = UNAUTHORIZED, description = "No valid token", body = ErrorBody),
        (status = FORBIDDEN, description = "Not a coordinator", body = ErrorBody),
        (status = NOT_FOUND, description = "No such association in the caller's cluster", body = ErrorBody),
    )
)]
pub async fn get_association(
    State(state): State<Arc<Service>>,
    c: Coordinator,
    Path(id): Path<String>,
) -> Result<Json<AssociationRecord>, ApiError> {
    Ok(Json(state.association_for(&c.who, &id).or_api(c.lang)?))
}

/// Change an association (the whole record; the id stays)
#[utoipa::path(
    put, path = "/api/associations/{id}", tag = "people",
    params(("id" = String, Path, description = "The association's id"), Language),
    request_body = AssociationRecord, security(("bearer" = [])),
    responses(
        (status = OK, description = "Changed", body = ChangeResult),
        (status = BAD_REQUEST, description = "Unreadable JSON, or the fields with problems", body = ErrorResponse),
        (status = UNAUTHORIZED, description = "No valid token", body = ErrorBody),
        (status = FORBIDDEN, description = "Not a coordinator", body = ErrorBody),
        (status = NOT_FOUND, description = "No such association in the caller's cluster", body = ErrorBody),
        (status = CONFLICT, description = "Others kept changing the data; try again", body = ErrorBody),
        (status = UNSUPPORTED_MEDIA_TYPE, description = "The body is not sent as application/json", body = ErrorBody),
    )
)]
pub async fn edit_association(
    State(state): State<Arc<Service>>,
    c: Coordinator,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ChangeResult>, ApiError> {
    let record: AssociationRecord = json_body(&headers, &body, c.lang)?;
    let edited = state
        .save_association(&c.who, Some(&id), &record, c.lang)
        .await
        .or_api(c.lang)?;
    Ok(result(edited, c.lang))
}

/// Retire an association
///
/// Refused while instructors, requests or open submitted requests belong to it.
#[utoipa::path(
    delete, path = "/api/associations/{id}", tag = "people",
    params(("id" = String, Path, description = "The association's id"), Language),
    security(("bearer" = [])),
    responses(
        (status = OK, description = "Retired", body = ChangeResult),
        (status = BAD_REQUEST, description = "Something still belongs to it", body = ErrorResponse),
        (status = UNAUTHORIZED, description = "No valid token", body = ErrorBody),
        (status = FORBIDDEN, description = "Not a coordinator", body = ErrorBody),
        (status = NOT_FOUND, description = "No such association in the caller's cluster", body = ErrorBody),
    )
)]
pub async fn retire_association(
    State(state): State<Arc<Service>>,
    c: Coordinator,
    Path(id): Path<String>,
) -> Result<Json<ChangeResult>, ApiError> {
    let edited = state
        .retire_association(&c.who, &id, c.lang)
        .await
        .or_api(c.lang)?;
    Ok(result(edited, c.lang))
}

/// The caller's own weekly availability and away-periods (an instructor)
#[utoipa::path(
    get, path = "/api/me/times", tag = "people", params(Language), security(("bearer" = [])),
    responses(
        (status = OK, description = "Availability and away-periods", body = OwnTimes),
        (status = UNAUTHORIZED, description = "No valid token", body = ErrorBody),
        (status = FORBIDDEN, description = "Not an instructor", body = ErrorBody),
    )
)]
pub async fn own_times(
    State(state): State<Arc<Service>>,
    c: Instructor,
) -> Result<Json<OwnTimes>, ApiError> {
    Ok(Json(state.own_times(&c.who.subject).or_api(c.lang)?))
}

/// Replace the caller's own weekly availability and away-periods (an instructor)
///
/// A change that breaks a published assignment makes a repair proposal for the
/// coordinator; it is not published by itself.
#[utoipa::path(
    put, path = "/api/me/times", tag = "people", params(Language), request_body = OwnTimes,
    security(("bearer" = [])),
    responses(
        (status = OK, description = "Changed", body = ChangeResult),
        (status = BAD_REQUEST, description = "Unreadable JSON, or the fields with problems", body = ErrorResponse),
        (status = UNAUTHORIZED, description = "No valid token", body = ErrorBody),
        (status = FORBIDDEN, description = "Not an instructor", body = ErrorBody),
        (status = CONFLICT, description = "Others kept changing the data; try again", body = ErrorBody),
        (status = UNSUPPORTED_MEDIA_TYPE, description = "The body is not sent as application/json", body = ErrorBody),
    )
)]
pub async fn set_own_times(
    State(state): State<Arc<Service>>,
    c: Instructor,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ChangeResult>, ApiError> {
    let times: OwnTimes = json_body(&headers, &body, c.lang)?;
    let edited = state
        .set_own_times(&c.who.subject, &times, c.lang)
        .await
        .or_api(c.lang)?;
    Ok(result(edited, c.lang))
}
