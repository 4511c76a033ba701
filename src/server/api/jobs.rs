//! Jobs: a queued plan or repair, followed until it is done (coordinators who may see it).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::Service;
use crate::app::jobs::JobView;
use crate::server::auth::{COORDINATOR, Caller, Language};
use crate::server::{ApiError, ErrorBody, OrApiError};

type Coordinator = Caller<COORDINATOR>;

/// A job just queued.
#[derive(Serialize, ToSchema)]
pub struct JobQueued {
    /// The job's id.
    pub job: i64,
    /// Always `queued`.
    pub status: String,
    /// Where to follow it: `/api/jobs/{id}`.
    pub href: String,
}

/// `202 Accepted` for a queued job, with where to follow it (body and `Location`).
pub fn accepted(job: i64) -> Response {
    let href = format!("/api/jobs/{job}");
    (
        StatusCode::ACCEPTED,
        [(header::LOCATION, href.clone())],
        Json(JobQueued {
            job,
            status: "queued".into(),
            href,
        }),
    )
        .into_response()
}

/// A job: where it stands, how far it has come, and its run or why it failed
#[utoipa::path(
    get,
    path = "/api/jobs/{id}",
    tag = "runs",
    params(("id" = i64, Path, description = "The job's id"), Language),
    security(("bearer" = [])),
    responses(
        (status = OK, description = "The job", body = JobView),
        (status = UNAUTHORIZED, description = "No valid token", body = ErrorBody),
        (status = FORBIDDEN, description = "Not a coordinator", body = ErrorBody),
        (status = NOT_FOUND, description = "No such job (or another cluster's)", body = ErrorBody),
    )
)]
pub async fn get_job(
    State(state): State<Arc<Service>>,
    c: Coordinator,
    Path(id): Path<i64>,
) -> Result<Json<JobView>, ApiError> {
    Ok(Json(state.job(&c.who, id, c.lang).await.or_api(c.lang)?))
}

/// Queue a failed job again
#[utoipa::path(
    post,
    path = "/api/jobs/{id}/retry",
    tag = "runs",
    params(("id" = i64, Path, description = "The job's id"), Language),
    security(("bearer" = [])),
    responses(
        (status = ACCEPTED, description = "The job is queued again", body = JobQueued,
         headers(("Location" = String, description = "The job: /api/jobs/{id}"))),
        (status = UNAUTHORIZED, description = "No valid token", body = ErrorBody),
        (status = FORBIDDEN, description = "Not a coordinator", body = ErrorBody),
        (status = NOT_FOUND, description = "No such job (or another cluster's)", body = ErrorBody),
        (status = CONFLICT, description = "The job has not failed", body = ErrorBody),
    )
)]
pub async fn retry_job(
    State(state): State<Arc<Service>>,
    c: Coordinator,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    state.retry_job(&c.who, id).await.or_api(c.lang)?;
    Ok(accepted(id))
}
