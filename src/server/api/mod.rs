//! The JSON API. Each handler: an extractor for the caller (role checked) and language, one
//! call into `app`, a typed JSON answer. Each is annotated with the responses it gives;
//! `routes` lists them once, for both the router and the OpenAPI document.

mod assignments;
mod jobs;
mod offers;
mod people;
mod requests;
mod runs;

use std::sync::Arc;

use axum::{Extension, Json};
use utoipa::openapi::OpenApi as Document;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use axum::http::{HeaderMap, StatusCode, header};

use super::{ApiError, State};
use crate::i18n::Lang;

/// The document's frame: what the operations do not say themselves.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "klynge",
        description = "Instructor coverage for clusters of seniors' digital-skills associations. \
                       Add ?lang=en for English messages (bokmål is the default)."
    ),
    modifiers(&BearerToken)
)]
struct Frame;

/// The `bearer` security scheme: a token from `klynge token create`.
struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, doc: &mut Document) {
        doc.components
            .get_or_insert_with(Default::default)
            .add_security_scheme(
                "bearer",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .description(Some(
                            "A token from `klynge token create` (or the klynge_token cookie of the \
                         login page)",
                        ))
                        .build(),
                ),
            );
    }
}

/// Every API operation: the router and the document both come from this list.
pub fn routes() -> OpenApiRouter<State> {
    OpenApiRouter::with_openapi(Frame::openapi())
        .routes(routes!(openapi_json))
        .routes(routes!(requests::list_requests, requests::submit_request))
        .routes(routes!(requests::withdraw_request))
        .routes(routes!(runs::list_runs, runs::start_plan))
        .routes(routes!(runs::approve_run))
        .routes(routes!(runs::publish_run))
        .routes(routes!(runs::repair_run))
        .routes(routes!(runs::audit_log))
        .routes(routes!(jobs::get_job))
        .routes(routes!(jobs::retry_job))
        .routes(routes!(assignments::list_assignments))
        .routes(routes!(assignments::answer_assignment))
        .routes(routes!(assignments::new_feed))
        .routes(routes!(assignments::calendar_feed))
        .routes(routes!(people::list_instructors, people::add_instructor))
        .routes(routes!(
            people::get_instructor,
            people::edit_instructor,
            people::retire_instructor
        ))
        .routes(routes!(people::list_associations, people::add_association))
        .routes(routes!(
            people::get_association,
            people::edit_association,
            people::retire_association
        ))
        .routes(routes!(people::own_times, people::set_own_times))
        .routes(routes!(offers::list_offers, offers::add_offer))
        .routes(routes!(
            offers::get_offer,
            offers::edit_offer,
            offers::remove_offer
        ))
}

/// A JSON request body as `T`. Only `application/json` is read: a body of another type is
/// what a form on another site could send.
pub fn json_body<T: serde::de::DeserializeOwned>(
    headers: &HeaderMap,
    body: &[u8],
    lang: Lang,
) -> Result<T, ApiError> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| {
            t.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/json")
        });
    if !json {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            lang.pick(
                "innholdet må være JSON (Content-Type: application/json)",
                "the body must be JSON (Content-Type: application/json)",
            ),
        ));
    }
    serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!(
                "{}: {}",
                lang.pick("ugyldig JSON", "invalid JSON"),
                crate::i18n::foreign_error(&e.to_string(), lang)
            ),
        )
    })
}

/// This document.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "meta",
    responses((status = OK, description = "The OpenAPI 3.1 document of this API", content_type = "application/json"))
)]
pub async fn openapi_json(Extension(document): Extension<Arc<Document>>) -> Json<Document> {
    Json(document.as_ref().clone())
}
