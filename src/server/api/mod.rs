//! The JSON API. Each handler: an extractor for the caller (role checked) and language, one
//! call into `app`, a typed JSON answer.

mod assignments;
mod requests;
mod runs;

use axum::Router;
use axum::routing::{get, post};

use super::State;

/// Every API route.
pub fn routes() -> Router<State> {
    Router::new()
        .route("/api/openapi.json", get(super::openapi::spec))
        .route(
            "/api/requests",
            get(requests::list_requests).post(requests::submit_request),
        )
        .route(
            "/api/requests/{id}/withdraw",
            post(requests::withdraw_request),
        )
        .route("/api/runs", get(runs::list_runs).post(runs::start_plan))
        .route("/api/runs/{id}/approve", post(runs::approve_run))
        .route("/api/runs/{id}/publish", post(runs::publish_run))
        .route("/api/runs/{id}/repair", post(runs::repair_run))
        .route("/api/assignments", get(assignments::list_assignments))
        .route(
            "/api/assignments/{run}/{request}/{answer}",
            post(assignments::answer_assignment),
        )
        .route("/api/feed", post(assignments::new_feed))
        .route("/calendar/{secret}", get(assignments::calendar_feed))
}
