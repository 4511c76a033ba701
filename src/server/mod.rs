//! `klynge serve`: the HTTP API and web pages (axum on tokio).
//!
//! Handlers are thin: they authenticate, check the role, call the store or the planner,
//! and render. The planning model knows nothing of HTTP.
//!
//! Access: every request carries a token (`Authorization: Bearer …`, or the `klynge_token`
//! cookie that the login page sets). Coordinators see everything of their cluster (or all,
//! with subject `*`); a small association sees and changes only its own requests; an
//! instructor only their own assignments. Anything else is 401 (no or bad token) or 403
//! (wrong role); another association's request is 404, so that nothing leaks about it.

mod api;
mod openapi;
mod pages;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::i18n::Lang;
use crate::store::{Principal, Role};

/// Shared by all handlers: the service's use cases.
pub type AppState = crate::app::Service;

pub type State = Arc<AppState>;

/// (method, path) of every documented API operation.
pub fn openapi_operations()
-> impl Iterator<Item = (&'static str, &'static str, &'static str, &'static str)> {
    openapi::OPERATIONS.iter().copied()
}

/// Request bodies larger than this are refused (413).
pub const BODY_LIMIT: usize = 64 * 1024;

pub fn router(state: State) -> Router {
    Router::new()
        .route("/api/openapi.json", get(openapi::spec))
        .route(
            "/api/requests",
            get(api::list_requests).post(api::submit_request),
        )
        .route("/api/requests/{id}/withdraw", post(api::withdraw_request))
        .route("/api/runs", get(api::list_runs).post(api::start_plan))
        .route("/api/runs/{id}/approve", post(api::approve_run))
        .route("/api/runs/{id}/publish", post(api::publish_run))
        .route("/api/runs/{id}/repair", post(api::repair_run))
        .route("/api/assignments", get(api::list_assignments))
        .route(
            "/api/assignments/{run}/{request}/{answer}",
            post(api::answer_assignment),
        )
        .route("/api/feed", post(api::new_feed))
        .route("/calendar/{secret}", get(api::calendar_feed))
        .route("/", get(pages::login_page))
        .route("/login", post(pages::login))
        .route("/association", get(pages::association_page))
        .route("/association/requests", post(pages::association_submit))
        .route(
            "/association/requests/{id}/withdraw",
            post(pages::association_withdraw),
        )
        .route("/coordinator", get(pages::coordinator_page))
        .route("/coordinator/plan", post(pages::coordinator_plan))
        .route(
            "/coordinator/runs/{id}/publish",
            post(pages::coordinator_publish),
        )
        .route(
            "/coordinator/runs/{id}/repair",
            post(pages::coordinator_repair),
        )
        .route(
            "/coordinator/runs/{id}/approve",
            post(pages::coordinator_approve),
        )
        .route("/instructor", get(pages::instructor_page))
        .route("/instructor/feed", post(pages::instructor_feed))
        .route(
            "/instructor/{run}/{request}/{answer}",
            post(pages::instructor_answer),
        )
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

/// An error response: status and a message in the user's language, or, for a submission
/// with mistakes, the problem of each field.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    pub fields: Vec<crate::app::requests::FieldError>,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            fields: Vec::new(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.fields.is_empty() {
            (
                self.status,
                axum::Json(serde_json::json!({ "error": self.message })),
            )
                .into_response()
        } else {
            (
                self.status,
                axum::Json(serde_json::json!({ "errors": self.fields })),
            )
                .into_response()
        }
    }
}

/// The language asked for: `?lang=en` switches to English; bokmål otherwise. (Browsers'
/// Accept-Language is not followed: bokmål is the default for everyone.)
pub fn lang_of(_headers: &HeaderMap, query: Option<&str>) -> Lang {
    query.and_then(|q| q.parse().ok()).unwrap_or_default()
}

/// The token in the request: bearer header first, then the login cookie.
fn token_of(headers: &HeaderMap) -> Option<String> {
    if let Some(v) = headers.get("authorization").and_then(|v| v.to_str().ok())
        && let Some(t) = v.strip_prefix("Bearer ")
    {
        return Some(t.trim().to_owned());
    }
    let cookies = headers.get("cookie").and_then(|v| v.to_str().ok())?;
    cookies
        .split(';')
        .find_map(|c| c.trim().strip_prefix("klynge_token=").map(str::to_owned))
}

/// The caller, or 401.
pub async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    lang: Lang,
) -> Result<Principal, ApiError> {
    let unauthorized = || {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            lang.pick(
                "mangler gyldig tilgangsnøkkel",
                "a valid access token is required",
            ),
        )
    };
    let token = token_of(headers).ok_or_else(unauthorized)?;
    state
        .principal(&token)
        .await
        .map_err(|e| ApiError::app(e, lang))?
        .ok_or_else(unauthorized)
}

/// The caller if they have one of `roles`, else 401/403.
pub async fn require(
    state: &AppState,
    headers: &HeaderMap,
    lang: Lang,
    roles: &[Role],
) -> Result<Principal, ApiError> {
    let who = authenticate(state, headers, lang).await?;
    if roles.contains(&who.role) {
        Ok(who)
    } else {
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            lang.pick("ikke tilgang for din rolle", "not allowed for your role"),
        ))
    }
}

/// Serves until Ctrl-C.
pub async fn serve(state: State, listen: &str) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
