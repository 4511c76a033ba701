//! Runs: list, plan now, approve, publish, repair (coordinators).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::Service;
use crate::compare::Change;
use crate::plan::Figures;
use crate::server::auth::{COORDINATOR, Caller, Language};
use crate::server::{ApiError, ErrorBody, OrApiError};
use crate::store::{AuditEntry, RunSummary};

type Coordinator = Caller<COORDINATOR>;

/// A run just planned from the current requests (status `proposed`).
#[derive(Serialize, ToSchema)]
pub struct NewRun {
    pub id: i64,
    pub figures: Figures,
}

/// Where a run stands after a step.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RunState {
    Approved,
    Published,
}

/// A run that was just approved or published.
#[derive(Serialize, ToSchema)]
pub struct RunChanged {
    pub id: i64,
    pub status: RunState,
}

/// A repair run (status `proposed`) and what it changes in the run it repairs.
#[derive(Serialize, ToSchema)]
pub struct RepairRun {
    /// The new run.
    pub id: i64,
    /// The run it repairs.
    pub repairs: i64,
    pub changes: Vec<Change>,
}

/// List runs with their key figures, newest first
#[utoipa::path(
    get,
    path = "/api/runs",
    tag = "runs",
    params(Language),
    security(("bearer" = [])),
    responses(
        (status = OK, description = "Every run", body = Vec<RunSummary>),
        (status = UNAUTHORIZED, description = "No valid token", body = ErrorBody),
        (status = FORBIDDEN, description = "Not a coordinator", body = ErrorBody),
    )
)]
pub async fn list_runs(
    State(state): State<Arc<Service>>,
    c: Coordinator,
) -> Result<Json<Vec<RunSummary>>, ApiError> {
    Ok(Json(state.runs(&c.who).await.or_api(c.lang)?))
}

/// Who changed what, and when, newest first (coordinators of all clusters)
#[utoipa::path(
    get,
    path = "/api/audit",
    tag = "runs",
    params(Language),
    security(("bearer" = [])),
    responses(
        (status = OK, description = "The newest 200 changes", body = Vec<AuditEntry>),
        (status = UNAUTHORIZED, description = "No valid token", body = ErrorBody),
        (status = FORBIDDEN, description = "Not a coordinator of all clusters", body = ErrorBody),
    )
)]
pub async fn audit_log(
    State(state): State<Arc<Service>>,
    c: Coordinator,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    Ok(Json(state.audit_log(&c.who, 200).await.or_api(c.lang)?))
}

/// Plan the current requests now; stores a proposed run
#[utoipa::path(
    post,
    path = "/api/runs",
    tag = "runs",
    params(Language),
    security(("bearer" = [])),
    responses(
        (status = CREATED, description = "The new run and its key figures", body = NewRun),
        (status = UNAUTHORIZED, description = "No valid token", body = ErrorBody),
        (status = FORBIDDEN, description = "Not a coordinator", body = ErrorBody),
    )
)]
pub async fn start_plan(
    State(state): State<Arc<Service>>,
    c: Coordinator,
) -> Result<(StatusCode, Json<NewRun>), ApiError> {
    let id = state.plan_now(&c.who).await.or_api(c.lang)?;
    let figures = state.figures(&c.who, id).await.or_api(c.lang)?;
    Ok((StatusCode::CREATED, Json(NewRun { id, figures })))
}

/// Approve a proposed run
#[utoipa::path(
    post,
    path = "/api/runs/{id}/approve",
    tag = "runs",
    params(("id" = i64, Path, description = "The run's id"), Language),
    security(("bearer" = [])),
    responses(
        (status = OK, description = "Approved", body = RunChanged),
        (status = UNAUTHORIZED, description = "No valid token", body = ErrorBody),
        (status = FORBIDDEN, description = "Not a coordinator", body = ErrorBody),
        (status = NOT_FOUND, description = "No such run", body = ErrorBody),
        (status = CONFLICT, description = "The run is not proposed", body = ErrorBody),
    )
)]
pub async fn approve_run(
    State(state): State<Arc<Service>>,
    c: Coordinator,
    Path(id): Path<i64>,
) -> Result<Json<RunChanged>, ApiError> {
    state.approve(&c.who, id).await.or_api(c.lang)?;
    Ok(Json(RunChanged {
        id,
        status: RunState::Approved,
    }))
}

/// Publish a run; the run published before it is superseded
#[utoipa::path(
    post,
    path = "/api/runs/{id}/publish",
    tag = "runs",
    params(("id" = i64, Path, description = "The run's id"), Language),
    security(("bearer" = [])),
    responses(
        (status = OK, description = "Published", body = RunChanged),
        (status = UNAUTHORIZED, description = "No valid token", body = ErrorBody),
        (status = FORBIDDEN, description = "Not a coordinator", body = ErrorBody),
        (status = NOT_FOUND, description = "No such run", body = ErrorBody),
    )
)]
pub async fn publish_run(
    State(state): State<Arc<Service>>,
    c: Coordinator,
    Path(id): Path<i64>,
) -> Result<Json<RunChanged>, ApiError> {
    state.publish(&c.who, id).await.or_api(c.lang)?;
    Ok(Json(RunChanged {
        id,
        status: RunState::Published,
    }))
}

/// Repair a run with the fewest changes; stores a proposed run
///
/// The run's accepted assignments are kept, declined ones left out, and the current
/// requests planned with as few changes as possible.
#[utoipa::path(
    post,
    path = "/api/runs/{id}/repair",
    tag = "runs",
    params(("id" = i64, Path, description = "The run to repair"), Language),
    security(("bearer" = [])),
    responses(
        (status = CREATED, description = "The repair run and its changes", body = RepairRun),
        (status = UNAUTHORIZED, description = "No valid token", body = ErrorBody),
        (status = FORBIDDEN, description = "Not a coordinator", body = ErrorBody),
        (status = NOT_FOUND, description = "No such run", body = ErrorBody),
    )
)]
pub async fn repair_run(
    State(state): State<Arc<Service>>,
    c: Coordinator,
    Path(id): Path<i64>,
) -> Result<(StatusCode, Json<RepairRun>), ApiError> {
    let repaired = state.repair_now(&c.who, id).await.or_api(c.lang)?;
    Ok((
        StatusCode::CREATED,
        Json(RepairRun {
            id: repaired.id,
            repairs: id,
            changes: repaired.changes,
        }),
    ))
}
