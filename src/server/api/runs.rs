//! Runs: list, plan now, approve, publish, repair (coordinators). Planning and repairing
//! are queued as jobs (`super::jobs`): the answer is `202 Accepted` and where to follow it.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Serialize;
use utoipa::ToSchema;

use super::jobs::{JobQueued, accepted};
use crate::app::Service;
use crate::server::auth::{COORDINATOR, Caller, Language};
use crate::server::{ApiError, ErrorBody, OrApiError};
use crate::store::{AuditEntry, RunSummary};

type Coordinator = Caller<COORDINATOR>;

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

/// Plan the current requests of your cluster; queues a job that stores a proposed run
///
/// Answers at once. Follow the job at `href` (also the `Location` header) until its
/// status is `done` (then `run` is the new run) or `failed` (then `error` says why).
#[utoipa::path(
    post,
    path = "/api/runs",
    tag = "runs",
    params(Language),
    security(("bearer" = [])),
    responses(
        (status = ACCEPTED, description = "The plan is queued as a job", body = JobQueued,
         headers(("Location" = String, description = "The job: /api/jobs/{id}"))),
        (status = UNAUTHORIZED, description = "No valid token", body = ErrorBody),
        (status = FORBIDDEN, description = "Not a coordinator", body = ErrorBody),
    )
)]
pub async fn start_plan(
    State(state): State<Arc<Service>>,
    c: Coordinator,
) -> Result<Response, ApiError> {
    let job = state.enqueue_plan(&c.who).await.or_api(c.lang)?;
    Ok(accepted(job))
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

/// Repair a run with the fewest changes; queues a job that stores a proposed run
///
/// The run's accepted assignments are kept, declined ones left out, and the current
/// requests planned with as few changes as possible. Answers at once; follow the job as
/// for a plan: once done, the job also lists what the repair changed.
#[utoipa::path(
    post,
    path = "/api/runs/{id}/repair",
    tag = "runs",
    params(("id" = i64, Path, description = "The run to repair"), Language),
    security(("bearer" = [])),
    responses(
        (status = ACCEPTED, description = "The repair is queued as a job", body = JobQueued,
         headers(("Location" = String, description = "The job: /api/jobs/{id}"))),
        (status = UNAUTHORIZED, description = "No valid token", body = ErrorBody),
        (status = FORBIDDEN, description = "Not a coordinator", body = ErrorBody),
        (status = NOT_FOUND, description = "No such run", body = ErrorBody),
    )
)]
pub async fn repair_run(
    State(state): State<Arc<Service>>,
    c: Coordinator,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let job = state.enqueue_repair(&c.who, id).await.or_api(c.lang)?;
    Ok(accepted(job))
}
