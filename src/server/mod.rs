//! `klynge serve`: the HTTP API and web pages (axum on tokio).
//!
//! Handlers are thin: an extractor authenticates the caller and checks the role
//! (`auth`), the handler makes one call into `crate::app` and renders the result — JSON
//! for the API (`api`), an askama template from `templates/` for the pages (`pages`). The
//! API's OpenAPI document is derived from the same list of handlers that builds its
//! router, so the two cannot drift apart.
//!
//! Access: every request carries a token (`Authorization: Bearer …`, or the `klynge_token`
//! cookie that the login page sets). Coordinators see everything of their cluster (or all,
//! with subject `*`); a small association sees and changes only its own requests; an
//! instructor only their own assignments. Anything else is 401 (no or bad token) or 403
//! (wrong role); another association's request is 404, so that nothing leaks about it.

mod api;
mod auth;
mod guard;
mod pages;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json, Router};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::AppError;
use crate::app::requests::FieldError;
use crate::i18n::Lang;

/// Shared by all handlers: the service's use cases.
pub type AppState = crate::app::Service;

pub type State = Arc<AppState>;

/// Request bodies larger than this are refused (413).
pub const BODY_LIMIT: usize = 64 * 1024;

/// The API (from the list of documented handlers in `api::routes`, with its document at
/// `/api/openapi.json`) and the pages.
pub fn router(state: State) -> Router {
    let (api, document) = api::routes().split_for_parts();
    api.merge(pages::routes())
        .layer(Extension(Arc::new(document)))
        .layer(Extension(Arc::new(guard::LoginLimiter::default())))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::map_response(guard::security_headers))
        .with_state(state)
}

/// An error response: status and a message in the user's language, or, for a submission
/// with mistakes, the problem of each field.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    pub fields: Vec<FieldError>,
}

/// The body of an error response.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong, in the caller's language.
    pub error: String,
}

/// The body of a refused submission: every field with a problem.
#[derive(Serialize, ToSchema)]
pub struct FieldErrors {
    pub errors: Vec<FieldError>,
}

/// Any error response: a message, or (a refused submission) the fields with problems.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum ErrorResponse {
    Message(ErrorBody),
    Fields(FieldErrors),
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            fields: Vec::new(),
        }
    }

    /// A use case's error as an HTTP response: its kind gives the status.
    pub fn app(e: AppError, lang: Lang) -> ApiError {
        use crate::app::ErrorKind;
        let status = match e.kind() {
            ErrorKind::BadInput => StatusCode::BAD_REQUEST,
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::Conflict => StatusCode::CONFLICT,
            ErrorKind::Forbidden => StatusCode::FORBIDDEN,
            ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let fields = match &e {
            AppError::Fields(f) => f.clone(),
            _ => Vec::new(),
        };
        ApiError {
            status,
            message: e.render(lang, false),
            fields,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = if self.fields.is_empty() {
            ErrorResponse::Message(ErrorBody {
                error: self.message,
            })
        } else {
            ErrorResponse::Fields(FieldErrors {
                errors: self.fields,
            })
        };
        (self.status, Json(body)).into_response()
    }
}

/// A use case's result, with its error as an `ApiError` in the caller's language.
pub trait OrApiError<T> {
    fn or_api(self, lang: Lang) -> Result<T, ApiError>;
}

impl<T> OrApiError<T> for crate::app::Result<T> {
    fn or_api(self, lang: Lang) -> Result<T, ApiError> {
        self.map_err(|e| ApiError::app(e, lang))
    }
}

/// Serves until Ctrl-C.
pub async fn serve(state: State, listen: &str) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    // The peer's address is what failed logins are counted by.
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
